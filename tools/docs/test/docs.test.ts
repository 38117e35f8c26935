// The docs as a reader gets them: dist/ (built by `turbo run docs`, which this task depends on) served on
// a loopback port and opened in headless Chromium (puppeteer-core; the browser comes from globalSetup) with
// name resolution disabled and a recording proxy as its only way out. Each page must render what the spec
// and the pacts say, request nothing from another origin and log no error, and the browser must attempt no
// connection beyond loopback. One screenshot per page is left in dist/ (index.png, contracts.png).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import {
  describeMatcher,
  distDir,
  externalResources,
  findPactFiles,
  formatQuery,
  loadPacts,
  specPath,
  summarizeMatchingRules,
} from "../build.mjs";
import { launchBrowser, type PageReport, renderPage } from "./browser.js";
import { type OutboundRecorder, recordOutbound, type StaticServer, serveDirectory } from "./serve.js";

interface Operation {
  operationId: string;
  summary: string;
  parameters: Array<{ $ref?: string; name?: string }>;
  responses: Record<string, unknown>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { parameters: Record<string, { name: string }> };
}

const spec = parse(readFileSync(specPath, "utf8")) as Spec;
const operations = Object.values(spec.paths).flatMap((item) => Object.values(item));
const sources = loadPacts(await findPactFiles());
const interactions = sources.flatMap((source) => source.pact.interactions);

function parameterName(parameter: { $ref?: string; name?: string }) {
  if (parameter.name) return parameter.name;
  const name = parameter.$ref?.replace("#/components/parameters/", "") ?? "";
  return spec.components.parameters[name]?.name ?? name;
}

/** Operation ids are shown in routes lowercased: #/workflows/listworkflowinstances. */
function operationRoute(operationId: string) {
  return `#/workflows/${operationId.toLowerCase()}`;
}

/** Redoc's search box says "Loading..." until its index is built, the last thing it does. */
const searchReady = `!document.body.innerText.includes("Loading...")`;

/** Redoc renders an operation after hydration (its responses section comes last), then its search. */
function operationReady(operationId: string) {
  return `document.getElementById("${operationRoute(operationId).slice(2)}/responses") && ${searchReady}`;
}

const browserSpec = inject("browser");
/** The host of the recorder's positive control; every other attempt it records is a failure. */
const PROBE_HOST = "outbound-probe.invalid";

let server: StaticServer;
let outbound: OutboundRecorder;
let browser: Browser;

beforeAll(async () => {
  for (const page of ["index.html", "contracts.html"])
    if (!existsSync(path.join(distDir, page)))
      throw new Error(`tools/docs/dist/${page} is missing: run \`pnpm run docs\` (turbo run docs) first`);
  server = await serveDirectory(distDir);
  outbound = await recordOutbound();
  browser = await launchBrowser(browserSpec, { proxyServer: outbound.proxyServer });
});

afterAll(async () => {
  await browser?.close();
  await outbound?.close();
  await server?.close();
});

/** Nothing but the page's own origin (and inline data) may be requested; nothing may log an error. */
function expectOffline(report: PageReport, origin: string) {
  const foreign = report.requests.filter(
    (url) => !url.startsWith(`${origin}/`) && !/^(data|blob|about):/.test(url),
  );
  expect(foreign, "requests to other origins").toEqual([]);
  expect(report.errors, "errors in the page").toEqual([]);
}

describe("the spec and pacts the pages are checked against", () => {
  it("has the operation and its parameters and statuses", () => {
    expect(operations.map((op) => op.operationId)).toContain("listWorkflowInstances");
    const op = operations.find((o) => o.operationId === "listWorkflowInstances");
    expect(op?.parameters.map(parameterName)).toEqual(
      expect.arrayContaining(["accountId", "limit", "offset"]),
    );
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "5XX"]));
  });

  it("finds the CLI's pact with its interactions", () => {
    expect(sources.map((s) => s.file)).toContain("packages/cli/pacts/workflows-cli-workflows-api.json");
    expect(interactions.length).toBeGreaterThanOrEqual(10);
  });
});

describe(`headless Chromium (from ${browserSpec.source})`, () => {
  it("starts without a system browser or root", async () => {
    expect(await browser.version()).toMatch(/Chrome\/\d+\./);
  });

  it("sends every attempt to leave loopback to the recording proxy (so the check at the end can fail)", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://${PROBE_HOST}/`).catch(() => {});
    } finally {
      await page.close();
    }
    expect(outbound.attempts).toContain(`GET http://${PROBE_HOST}/`);
  });
});

describe("dist/ is self-contained", () => {
  it.each(["index.html", "contracts.html"])("%s loads no script, style, font or image from a URL", (page) => {
    const html = readFileSync(path.join(distDir, page), "utf8");
    expect(externalResources(html)).toEqual([]);
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    expect(html).not.toContain("cdn.redoc.ly/");
  });
});

describe("index.html, the API reference", () => {
  it.each(operations.map((op) => [op.operationId, op] as const))(
    "renders %s with every parameter and documented status, offline",
    async (operationId, op) => {
      const report = await renderPage(browser, `${server.url}/index.html${operationRoute(operationId)}`, {
        waitFor: operationReady(operationId),
        facts: { ids: "[...document.querySelectorAll('[id]')].map((e) => e.id)" },
        maxHeight: 2400,
      });
      expectOffline(report, server.url);
      expect(report.text).toContain(op.summary);
      expect(report.facts.ids).toContain(operationRoute(operationId).slice(2));
      const words = new Set(report.text.split(/\s+/));
      for (const name of op.parameters.map(parameterName)) expect(words, `parameter ${name}`).toContain(name);
      for (const status of Object.keys(op.responses)) expect(words, `status ${status}`).toContain(status);
      if (operationId === "listWorkflowInstances")
        writeFileSync(path.join(distDir, "index.png"), report.screenshot);
    },
  );

  it("opens from disk (file://) as a downloaded CI artifact: landing page hydrated, offline", async () => {
    const report = await renderPage(browser, pathToFileURL(path.join(distDir, "index.html")).href, {
      waitFor: `document.querySelector('a[href="${operationRoute("listWorkflowInstances")}"]') && ${searchReady}`,
      facts: {
        hydrated: "Object.keys(document.getElementById('redoc') ?? {}).some((k) => k.startsWith('__react'))",
      },
    });
    expect(report.requests.filter((url) => !/^(file|data|blob|about):/.test(url))).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.facts.hydrated).toBe(true);
    expect(report.text).toContain("8x8 Automation — workflow instances");
  });
});

describe("contracts.html, the pinned interactions", () => {
  let report: PageReport;

  beforeAll(async () => {
    report = await renderPage(browser, `${server.url}/contracts.html`, { maxHeight: 2400 });
    writeFileSync(path.join(distDir, "contracts.png"), report.screenshot);
  });

  it("renders offline", () => {
    expectOffline(report, server.url);
    expect(report.text).toContain(`${interactions.length} interactions`);
  });

  it.each(interactions.map((i) => [i.description, i] as const))("lists %s", (description, interaction) => {
    expect(report.text).toContain(description);
    for (const state of interaction.providerStates ?? []) expect(report.text).toContain(state.name);
    expect(report.text).toContain(interaction.request.path);
    const query = formatQuery(interaction.request.query);
    if (query) expect(report.text).toContain(query);
    for (const rule of summarizeMatchingRules(interaction.response.matchingRules))
      expect(report.text).toContain(rule);
  });
});

describe("the whole run", () => {
  it("attempted no connection beyond loopback (page or browser)", () => {
    expect(outbound.attempts.filter((attempt) => !attempt.includes(PROBE_HOST))).toEqual([]);
  });
});

describe("matching rules, summarized", () => {
  it("names each matcher with its parameters", () => {
    expect(describeMatcher({ match: "regex", regex: "^[0-9a-f]{24}$" })).toBe("regex ^[0-9a-f]{24}$");
    expect(describeMatcher({ match: "type", min: 1 })).toBe("type (min 1)");
    expect(describeMatcher({ match: "integer" })).toBe("integer");
  });

  it("lists body, header and one-set categories such as status", () => {
    expect(
      summarizeMatchingRules({
        body: { "$[*].version": { combine: "AND", matchers: [{ match: "integer" }] } },
        header: { Authorization: { matchers: [{ match: "regex", regex: "^Bearer \\S+$" }] } },
        status: {
          combine: "OR",
          matchers: [{ match: "statusCode", status: "success" }, { match: "integer" }],
        },
      }),
    ).toEqual([
      "body $[*].version: integer",
      "header Authorization: regex ^Bearer \\S+$",
      'status: statusCode (status "success") or integer',
    ]);
  });
});
