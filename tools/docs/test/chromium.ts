// A small headless-Chromium driver for the docs test: Debian's `chromium`, driven over the DevTools
// protocol on a pipe (--remote-debugging-pipe: no port, no extra dependency). It loads one URL with
// name resolution disabled (every host but 127.0.0.1 fails to resolve), records every request the page
// makes and every error it logs, and returns the rendered text, the DOM facts asked for and a PNG.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";

/** The flags every headless run here uses (the project's rule), plus the fresh --user-data-dir. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function isExecutable(file: string) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debian's chromium: $CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH; undefined if none. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium"].filter((c): c is string => !!c);
  for (const candidate of candidates) if (isExecutable(candidate)) return candidate;
  const which = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found : undefined;
}

export const CHROMIUM_MISSING =
  "headless Chromium not found (looked at $CHROMIUM, /usr/bin/chromium and PATH). Install Debian's package: " +
  "`apt-get update && apt-get install -y chromium` (.ci/run does this when it is missing).";

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

/** The fields of the DevTools events read here (Network.*, Runtime.*, Log.entryAdded). */
interface EventParams {
  requestId?: string;
  request?: { url: string };
  exceptionDetails?: { text: string; exception?: { description?: string } };
  type?: string;
  args?: Array<{ value?: unknown; description?: string }>;
  entry?: { level: string; text: string; url?: string };
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

class Cdp {
  private nextId = 1;
  private buffer = "";
  private readonly pending = new Map<
    number,
    { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }
  >();
  private readonly listeners: Array<(message: CdpMessage) => void> = [];

  constructor(
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf("\0");
      while (end !== -1) {
        const message = JSON.parse(this.buffer.slice(0, end)) as CdpMessage;
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(message);
        end = this.buffer.indexOf("\0");
      }
    });
  }

  private dispatch(message: CdpMessage) {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result ?? {});
      return;
    }
    for (const listener of this.listeners) listener(message);
  }

  onEvent(listener: (message: CdpMessage) => void) {
    this.listeners.push(listener);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string) {
    const id = this.nextId++;
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(id, {
        resolve,
        reject: (error) => reject(new Error(`${method}: ${error.message}`)),
      });
      this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  failAll(error: Error) {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RenderOptions {
  /** A JavaScript expression polled after the load event until it is truthy: the page's own "ready". */
  waitFor?: string;
  /** Named JavaScript expressions evaluated in the page once it settled (returned by value). */
  facts?: Record<string, string>;
  width?: number;
  height?: number;
  maxHeight?: number;
  timeoutMs?: number;
}

export async function renderPage(url: string, options: RenderOptions = {}): Promise<PageReport> {
  const executable = findChromium();
  if (!executable) throw new Error(CHROMIUM_MISSING);
  const { width = 1280, height = 900, maxHeight = 4000, timeoutMs = 90_000 } = options;
  const userDataDir = mkdtempSync(path.join(tmpdir(), "docs-chromium-"));
  const child: ChildProcess = spawn(
    executable,
    [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${userDataDir}`,
      "--remote-debugging-pipe",
      // Network disabled: no name resolves except loopback, where the test serves the pages.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      "--hide-scrollbars",
      "--mute-audio",
      `--window-size=${width},${height}`,
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const cdp = new Cdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code, signal) => {
      const error = new Error(`chromium exited (${code ?? signal}) before the page was rendered:\n${stderr}`);
      cdp.failAll(error);
      reject(error);
    }),
  );
  exited.catch(() => {});
  child.once("error", (error) => cdp.failAll(error));

  try {
    return await withTimeout(
      Promise.race([exited, drive(cdp, url, options, width, height, maxHeight)]),
      timeoutMs,
      `rendering ${url}`,
    );
  } finally {
    await cdp.send("Browser.close").catch(() => {});
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      await Promise.race([gone, sleep(3000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function drive(
  cdp: Cdp,
  url: string,
  { facts = {}, waitFor }: RenderOptions,
  width: number,
  height: number,
  maxHeight: number,
): Promise<PageReport> {
  const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = (await cdp.send("Target.attachToTarget", { targetId, flatten: true })) as {
    sessionId: string;
  };
  const send = (method: string, params: Record<string, unknown> = {}) => cdp.send(method, params, sessionId);

  const requests: string[] = [];
  const errors: string[] = [];
  const inflight = new Set<string>();
  let lastActivity = Date.now();
  let loaded = false;
  cdp.onEvent(({ method, params = {}, sessionId: from }) => {
    if (from !== sessionId) return;
    const p = params as EventParams;
    switch (method) {
      case "Network.requestWillBeSent":
        requests.push(p.request?.url ?? "");
        inflight.add(p.requestId ?? "");
        lastActivity = Date.now();
        break;
      case "Network.loadingFinished":
      case "Network.loadingFailed":
        inflight.delete(p.requestId ?? "");
        lastActivity = Date.now();
        break;
      case "Page.loadEventFired":
        loaded = true;
        break;
      case "Runtime.exceptionThrown": {
        const details = p.exceptionDetails;
        errors.push(`exception: ${details?.exception?.description ?? details?.text}`);
        break;
      }
      case "Runtime.consoleAPICalled":
        if (p.type === "error" || p.type === "assert")
          errors.push(
            `console.${p.type}: ${(p.args ?? [])
              .map((arg) => String(arg.value ?? arg.description ?? ""))
              .join(" ")}`,
          );
        break;
      case "Log.entryAdded": {
        const entry = p.entry;
        if (entry?.level === "error") errors.push(`log: ${entry.text}${entry.url ? ` (${entry.url})` : ""}`);
        break;
      }
    }
  });

  await Promise.all([
    send("Page.enable"),
    send("Network.enable"),
    send("Runtime.enable"),
    send("Log.enable"),
  ]);
  await send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
  const navigation = await send("Page.navigate", { url });
  if (navigation.errorText) throw new Error(`navigating to ${url}: ${String(navigation.errorText)}`);

  const evaluate = async (expression: string) => {
    const { result, exceptionDetails } = (await send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    })) as { result: { value?: unknown }; exceptionDetails?: { text: string } };
    if (exceptionDetails) throw new Error(`evaluating ${expression}: ${exceptionDetails.text}`);
    return result.value;
  };

  // Settled: the load event fired, the page's own condition holds (scripts may render after load)
  // and no request has been in flight for 500 ms.
  while (!loaded) await sleep(100);
  if (waitFor) {
    const deadline = Date.now() + 60_000;
    while (!(await evaluate(`Boolean(${waitFor})`))) {
      if (Date.now() > deadline)
        throw new Error(
          `${url}: \`${waitFor}\` still false 60 s after load; errors: ${JSON.stringify(errors)}; text:\n` +
            String(await evaluate("document.body.innerText")).slice(0, 2000),
        );
      await sleep(100);
    }
  }
  while (inflight.size > 0 || Date.now() - lastActivity < 500) await sleep(100);
  const text = String(await evaluate("document.body.innerText"));
  const values: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(facts)) values[name] = await evaluate(expression);

  // The top of the page, up to maxHeight tall. The viewport is grown to that height first: a capture
  // beyond the viewport leaves lazily painted parts blank and shifts sticky ones (Redoc's sidebar).
  const pageHeight = Number(await evaluate("window.scrollTo(0, 0), document.documentElement.scrollHeight"));
  const clipHeight = Math.max(height, Math.min(maxHeight, pageHeight));
  await send("Emulation.setDeviceMetricsOverride", {
    width,
    height: clipHeight,
    deviceScaleFactor: 1,
    mobile: false,
  });
  await evaluate("new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))");
  await sleep(500);
  const { data } = (await send("Page.captureScreenshot", {
    format: "png",
    clip: { x: 0, y: 0, width, height: clipHeight, scale: 1 },
  })) as { data: string };

  return { text, facts: values, requests, errors, screenshot: Buffer.from(data, "base64") };
}
