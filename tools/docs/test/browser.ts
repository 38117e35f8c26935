// Headless Chromium for the render test, from the npm registry: puppeteer-core drives the Chromium that
// @sparticuz/chromium ships inside its package (unpacked once per clone by test/global-setup.ts), or a
// system Chromium when there is one. No system browser, no browser download, no root needed.
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import puppeteer, { type Browser, type ConsoleMessage } from "puppeteer-core";

const execFileAsync = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, "..");

/** The flags every headless run here uses (the project's rule); puppeteer adds --headless and a fresh profile. */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Network disabled: no name resolves except loopback, where the test serves the pages.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];

export type BrowserSource = "CHROMIUM" | "/usr/bin/chromium" | "@sparticuz/chromium";

/** Where the browser comes from; plain data, so globalSetup can hand it to the test files. */
export interface BrowserSpec {
  source: BrowserSource;
  executablePath: string;
  /** "shell" for @sparticuz/chromium, which is chrome-headless-shell; the new headless mode otherwise. */
  headless: "shell" | true;
  /** Extra environment of the browser process (the fonts of @sparticuz/chromium). */
  env: Record<string, string>;
}

function isExecutableFile(file: string) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A system browser, if any: $CHROMIUM (which must then be executable), else /usr/bin/chromium (Debian's).
 * undefined means: use @sparticuz/chromium.
 */
export function pickSystemChromium(
  env: Readonly<Record<string, string | undefined>> = process.env,
  isExecutable: (file: string) => boolean = isExecutableFile,
): Pick<BrowserSpec, "source" | "executablePath"> | undefined {
  const chosen = env.CHROMIUM;
  if (chosen) {
    if (!isExecutable(chosen)) throw new Error(`CHROMIUM=${chosen} is not an executable file`);
    return { source: "CHROMIUM", executablePath: chosen };
  }
  if (isExecutable("/usr/bin/chromium"))
    return { source: "/usr/bin/chromium", executablePath: "/usr/bin/chromium" };
  return undefined;
}

/**
 * Makes `dir` by `unpack` into a sibling staging folder, then one rename: `dir` is complete or absent, so a
 * run killed mid-unpack or two runs unpacking at once never leave a half-written browser behind.
 */
export async function unpackOnce(dir: string, unpack: (into: string) => Promise<void>): Promise<string> {
  if (existsSync(dir)) return dir;
  await mkdir(path.dirname(dir), { recursive: true });
  const staging = await mkdtemp(`${dir}.partial-`);
  try {
    await unpack(staging);
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another run renamed its complete copy first: as good as ours.
    if (existsSync(dir)) return dir;
    throw error;
  }
  return dir;
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The folder of @sparticuz/chromium's package and its version (the cache key). */
function sparticuzPackage() {
  const entry = createRequire(import.meta.url).resolve("@sparticuz/chromium");
  const root = path.resolve(path.dirname(entry), "../..");
  const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    version: string;
  };
  return { root, version };
}

/**
 * @sparticuz/chromium unpacked into node_modules/.cache/ of this package (not the shared /tmp its own
 * default uses, where another user's copy is not executable for us); seconds idle, ~25 s on a busy machine,
 * once per clone and version.
 */
export async function unpackSparticuzChromium(): Promise<BrowserSpec> {
  const { version } = sparticuzPackage();
  const dir = path.join(packageDir, "node_modules", ".cache", `sparticuz-chromium-${version}`);
  await unpackOnce(dir, async (into) => {
    // The library unpacks into os.tmpdir(); a child process gets its own TMPDIR without touching ours.
    const script = 'import c from "@sparticuz/chromium"; process.stdout.write(await c.executablePath());';
    const { stdout } = await execFileAsync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: packageDir,
      env: { ...process.env, TMPDIR: into },
    });
    if (stdout !== path.join(into, "chromium")) throw new Error(`@sparticuz/chromium unpacked to ${stdout}`);
    // Its fonts.conf names /tmp/fonts; without a font Chromium lays out no text at all.
    await writeFile(
      path.join(into, "fonts", "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>${escapeXml(path.join(dir, "fonts", "fonts"))}</dir>\n  <dir>/usr/share/fonts</dir>\n` +
        `  <cachedir>${escapeXml(path.join(dir, "fonts-cache"))}</cachedir>\n</fontconfig>\n`,
    );
  });
  return {
    source: "@sparticuz/chromium",
    executablePath: path.join(dir, "chromium"),
    headless: "shell",
    env: { FONTCONFIG_PATH: path.join(dir, "fonts") },
  };
}

/** The browser the render test uses: a system one if present, else @sparticuz/chromium (unpacked if needed). */
export async function resolveBrowser(): Promise<BrowserSpec> {
  const system = pickSystemChromium();
  if (system) return { ...system, headless: true, env: {} };
  return unpackSparticuzChromium();
}

export interface LaunchOptions {
  /** Every request that would leave loopback goes to this proxy (`http://127.0.0.1:port`), which records it. */
  proxyServer?: string;
}

export function launchBrowser(spec: BrowserSpec, { proxyServer }: LaunchOptions = {}): Promise<Browser> {
  return puppeteer.launch({
    executablePath: spec.executablePath,
    headless: spec.headless,
    // DevTools over a pipe: no debugging port.
    pipe: true,
    args: [
      ...CHROMIUM_FLAGS,
      "--hide-scrollbars",
      "--mute-audio",
      // Loopback always bypasses a proxy, so the served pages are reached directly.
      ...(proxyServer ? [`--proxy-server=${proxyServer}`] : []),
    ],
    env: { ...process.env, ...spec.env },
  });
}

export interface PageReport {
  /** document.body.innerText after the page settled: what a reader sees (scripts excluded). */
  text: string;
  /** Results of the `facts` expressions, by name. */
  facts: Record<string, unknown>;
  /** Every URL the page requested (document, subresources, fetches), in order. */
  requests: string[];
  /** Uncaught exceptions, console errors and browser log errors (CSP violations, failed loads). */
  errors: string[];
  /** A PNG of the page from its top, at most `maxHeight` CSS pixels tall. */
  screenshot: Buffer;
}

export interface RenderOptions {
  /** A JavaScript expression polled after the load event until it is truthy: the page's own "ready". */
  waitFor?: string;
  /** Named JavaScript expressions evaluated in the page once it settled (returned by value). */
  facts?: Record<string, string>;
  width?: number;
  height?: number;
  maxHeight?: number;
  /** Bound of each step (load, waitFor, network idle), below the test's timeout so the error says which. */
  timeoutMs?: number;
}

function describeConsole(message: ConsoleMessage) {
  const { url } = message.location();
  return `console.${message.type()}: ${message.text()}${url ? ` (${url})` : ""}`;
}

/** Loads `url` in a fresh browser context (no shared cache or storage) and reports what the page did. */
export async function renderPage(
  browser: Browser,
  url: string,
  options: RenderOptions = {},
): Promise<PageReport> {
  const { facts = {}, waitFor, width = 1280, height = 900, maxHeight = 4000, timeoutMs = 60_000 } = options;
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(timeoutMs);
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("pageerror", (error) =>
      errors.push(`exception: ${error instanceof Error ? error.message : error}`),
    );
    // Log.entryAdded errors (CSP violations, failed loads) arrive here too, as type "error".
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "assert") errors.push(describeConsole(message));
    });
    await page.setViewport({ width, height });
    await page.goto(url, { waitUntil: "load" });

    // Settled: the load event fired, the page's own condition holds (scripts render after load) and no
    // request has been in flight for 500 ms.
    if (waitFor) {
      await page.waitForFunction(waitFor, { polling: 100 }).catch(async (error: unknown) => {
        const text = String(await page.evaluate("document.body.innerText")).slice(0, 2000);
        throw new Error(
          `${url}: \`${waitFor}\` still false; errors: ${JSON.stringify(errors)}; text:\n${text}`,
          {
            cause: error,
          },
        );
      });
    }
    await page.waitForNetworkIdle({ idleTime: 500 });
    const text = String(await page.evaluate("document.body.innerText"));
    const values: Record<string, unknown> = {};
    for (const [name, expression] of Object.entries(facts)) values[name] = await page.evaluate(expression);

    // The top of the page, up to maxHeight tall. The viewport is grown to that height first: a capture
    // beyond the viewport leaves lazily painted parts blank and shifts sticky ones (Redoc's sidebar).
    const pageHeight = Number(
      await page.evaluate("window.scrollTo(0, 0), document.documentElement.scrollHeight"),
    );
    const clipHeight = Math.max(height, Math.min(maxHeight, pageHeight));
    await page.setViewport({ width, height: clipHeight });
    await page.evaluate(
      "new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))",
    );
    const screenshot = await page.screenshot({
      type: "png",
      clip: { x: 0, y: 0, width, height: clipHeight },
    });
    return { text, facts: values, requests, errors, screenshot: Buffer.from(screenshot) };
  } finally {
    await context.close();
  }
}
