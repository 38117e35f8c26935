import { createRequire } from "node:module";
import {
  compareTimestamps,
  createWorkflowsClient,
  type Har,
  toTicks,
  type WorkflowInstance,
} from "@workflows-kit/client";
import { createHarRecorder } from "@workflows-kit/client/har";
import { type Provider, startProvider } from "@workflows-kit/provider";
import { Ajv } from "ajv";
import ajvFormats from "ajv-formats";
import { afterAll, beforeAll } from "vitest";
import type { CheckId, ProbeReport } from "../src/index.js";

/** A distinctive key, so a test can prove it never appears in any output. */
export const API_KEY = "sk-probe-7c1e9a-SECRET";

type Fetch = typeof globalThis.fetch;

/**
 * The reference provider with its seeded demo data (3 versions, 4 statuses, thousands of instances),
 * accepting API_KEY only; one for the file, and one that counts offset in items (a drift it has built in).
 */
export function providers() {
  const started: Partial<{ spec: Provider; items: Provider }> = {};
  beforeAll(async () => {
    [started.spec, started.items] = await Promise.all([
      startProvider({ seed: 1, apiKeys: [API_KEY] }),
      startProvider({ seed: 1, apiKeys: [API_KEY], offsetUnit: "items" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([started.spec?.close(), started.items?.close()]);
  });
  const get = (which: "spec" | "items") => {
    const provider = started[which];
    if (!provider) throw new Error("the providers are not started");
    const [definition] = provider.definitions();
    if (!definition) throw new Error("the provider has no definition");
    return { url: provider.url, accountId: definition.accountId, definitionId: definition.definitionId };
  };
  return { get };
}

/** A drifted server: a proxy in front of the reference provider, as a fetch wrapper. */
export type Drift = (fetch: Fetch) => Fetch;

const asRequest = (input: string | URL | Request, init?: RequestInit) => new Request(input, init);

/** Rewrites the query before the provider sees it. */
export const rewriteQuery =
  (edit: (query: URLSearchParams) => void): Drift =>
  (fetch) =>
  async (input, init) => {
    const request = asRequest(input, init);
    const url = new URL(request.url);
    edit(url.searchParams);
    return fetch(new Request(url, request));
  };

/** Rewrites the JSON answer (`edit` returns the new body) before the client sees it. */
export const rewriteBody =
  (edit: (body: unknown, status: number, query: URLSearchParams) => unknown): Drift =>
  (fetch) =>
  async (input, init) => {
    const request = asRequest(input, init);
    const response = await fetch(request);
    const body = edit(JSON.parse(await response.text()), response.status, new URL(request.url).searchParams);
    const headers = new Headers(response.headers);
    headers.delete("content-length");
    return new Response(JSON.stringify(body), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };

type Item = Record<string, unknown>;
const items = (body: unknown, status: number) =>
  status === 200 && Array.isArray(body) ? (body as Item[]) : undefined;

/**
 * Serves oldest first: fetches the whole list the query selects from the provider (pages of 500)
 * and pages through it in ascending order itself.
 */
export const oldestFirst: Drift = (fetch) => async (input, init) => {
  const request = asRequest(input, init);
  const url = new URL(request.url);
  const limit = Number(url.searchParams.get("limit") ?? 100);
  const offset = Number(url.searchParams.get("offset") ?? 0);
  const all: unknown[] = [];
  for (let page = 0; ; page++) {
    url.searchParams.set("limit", "500");
    url.searchParams.set("offset", String(page));
    const response = await fetch(new Request(url, request));
    if (response.status !== 200) return response;
    const chunk = (await response.json()) as unknown[];
    all.push(...chunk);
    if (chunk.length < 500) break;
  }
  const body = JSON.stringify(all.reverse().slice(offset * limit, offset * limit + limit));
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
};

/** One per drift the probe must name: the drift, and exactly the checks it contradicts. */
export const DRIFTS: {
  name: string;
  /** The proxy in front of the provider; none for the provider's own `offsetUnit: "items"`. */
  drift?: Drift;
  server?: "items";
  contradicts: CheckId[];
  /** What a recording of ordinary client traffic through it contradicts. */
  recordingContradicts: CheckId[];
}[] = [
  {
    name: "offset counted in items",
    server: "items",
    contradicts: ["offset.unit"],
    recordingContradicts: ["offset.unit"],
  },
  {
    name: "oldest first",
    drift: oldestFirst,
    contradicts: ["order.within-page", "order.across-pages"],
    // The client's walk pins startTimeTo to page 1's newest instance and so ends after one page
    // (silently short): the recording holds no second page, and the order within the first says why.
    recordingContradicts: ["order.within-page"],
  },
  {
    name: "a status outside the enum",
    drift: rewriteBody((body, status) => {
      for (const item of items(body, status) ?? []) if (item.status === "Suspended") item.status = "Paused";
      return body;
    }),
    contradicts: ["shape.instances"],
    recordingContradicts: ["shape.instances"],
  },
  {
    name: "a missing required field (completedAt left out while running)",
    drift: rewriteBody((body, status) => {
      for (const item of items(body, status) ?? []) if (item.completedAt === null) delete item.completedAt;
      return body;
    }),
    contradicts: ["shape.instances"],
    recordingContradicts: ["shape.instances"],
  },
  {
    name: "an ignored filter (status)",
    drift: rewriteQuery((query) => query.delete("status")),
    contradicts: ["filter.status"],
    recordingContradicts: ["filter.status"],
  },
  {
    name: "exclusive date bounds",
    drift: rewriteBody((body, status, query) => {
      const bounds = ["startTimeFrom", "startTimeTo"].map((name) => toTicks(query.get(name) ?? ""));
      const page = items(body, status);
      return page ? page.filter((item) => !bounds.includes(toTicks(String(item.startedAt)))) : body;
    }),
    contradicts: ["filter.startTimeFrom.inclusive", "filter.startTimeTo.inclusive"],
    // A recording shows only what came back: nothing outside the bounds, nothing on them.
    recordingContradicts: [],
  },
  {
    name: "an error body with the wrong shape",
    drift: rewriteBody((body, status) => {
      if (status < 400) return body;
      const { code, message, timestamp } = body as Item;
      return { code, detail: message, timestamp };
    }),
    contradicts: ["shape.errors"],
    recordingContradicts: ["shape.errors"],
  },
  {
    name: "more instances than limit",
    drift: rewriteQuery((query) => {
      const limit = query.get("limit");
      if (limit !== null) query.set("limit", String(Number(limit) + 1));
    }),
    contradicts: ["limit.page-length"],
    recordingContradicts: ["limit.page-length"],
  },
];

/** The ids of the checks with a verdict. */
export const idsWith = (report: ProbeReport, verdict: string) =>
  report.checks.filter((c) => c.verdict === verdict).map((c) => c.id);

/** The check ids by verdict, in report order. */
export const verdicts = (report: ProbeReport) => ({
  confirmed: idsWith(report, "confirmed"),
  contradicted: idsWith(report, "contradicted"),
  inconclusive: idsWith(report, "inconclusive"),
});

/**
 * What an application using the client sends in a day, recorded: a walk of three pages, a status
 * and a version filter, a date range on an instance's exact startedAt, an unknown definition.
 */
export async function recordTraffic(
  server: { url: string; accountId: string; definitionId: string },
  fetch: Fetch = globalThis.fetch,
): Promise<Har> {
  const recorder = createHarRecorder();
  const client = createWorkflowsClient({ apiKey: API_KEY, baseUrl: server.url, fetch, maxRetries: 0 });
  client.raw.use(recorder.middleware);
  const ids = { accountId: server.accountId, definitionId: server.definitionId };
  const walked: WorkflowInstance[] = [];
  // A drift may make the client throw (it refuses a page longer than its limit): the HAR has it anyway.
  const quietly = (call: Promise<unknown>) => call.catch(() => undefined);
  await quietly(
    (async () => {
      for await (const page of client.iterateWorkflowInstancePages({ ...ids, pageSize: 10, maxItems: 30 })) {
        walked.push(...page);
      }
    })(),
  );
  await quietly(client.listWorkflowInstances({ ...ids, status: "Terminated", limit: 20 }));
  await quietly(client.listWorkflowInstances({ ...ids, version: 2, limit: 20 }));
  const [newer, , , older] = walked.sort((a, b) => compareTimestamps(b.startedAt, a.startedAt)).slice(2);
  if (newer && older) {
    await quietly(
      client.listWorkflowInstances({ ...ids, startTimeFrom: older.startedAt, startTimeTo: newer.startedAt }),
    );
  }
  await quietly(
    client.listWorkflowInstances({ ...ids, definitionId: "0b7e4a1c-9f2d-4c3b-8a5e-6d1f2e3c4b5a" }),
  );
  return recorder.log();
}

// The HAR 1.2 JSON Schema (har-schema, draft-06); strict: false skips its non-standard keywords.
const ajv = new Ajv({ strict: false, allErrors: true });
ajvFormats.default(ajv);
ajv.addMetaSchema(createRequire(import.meta.url)("ajv/dist/refs/json-schema-draft-06.json"));
for (const schema of Object.values(createRequire(import.meta.url)("har-schema") as Record<string, object>)) {
  ajv.addSchema(schema);
}
const harSchema = ajv.getSchema("har.json#");
/** har-schema's findings for a document; empty when it is valid HAR 1.2. */
export const harViolations = (har: unknown) =>
  harSchema?.(har)
    ? []
    : (harSchema?.errors ?? []).map(
        (e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`,
      );
