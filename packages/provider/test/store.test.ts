// The store's semantics in memory: order, paging, filters, pinning, checks, faults and changes.
import type { WorkflowInstance } from "@workflows-kit/types";
import { describe, expect, it } from "vitest";
import {
  type Answer,
  generateInstances,
  type ListRequest,
  ProviderStore,
  seededRandom,
  seededUuid,
} from "../src/index.js";
import {
  accountId,
  at,
  definitionId,
  emptyId,
  instances,
  latest,
  makeStore,
  NOW_TIMESTAMP,
} from "./fixtures.js";

const request = (query = "", overrides: Partial<ListRequest> = {}): ListRequest => ({
  accountId,
  definitionId,
  apiKey: "good-key",
  query,
  ...overrides,
});
function page(store: ProviderStore, query = ""): WorkflowInstance[] {
  const answer = store.list(request(query));
  if ("error" in answer) throw new Error(`expected a page, got ${JSON.stringify(answer)}`);
  return answer.instances;
}
const errorOf = (code: number, message: string, status: number): Answer => ({
  status,
  error: { code, message, errorId: "error-1", timestamp: NOW_TIMESTAMP },
});
const iso = (i: WorkflowInstance) => encodeURIComponent(i.startedAt);

describe("pages", () => {
  const store = makeStore();
  it.each([
    ["no parameters: the latest version, newest first, the spec's default limit", "", latest.slice(0, 100)],
    ["offset counts pages of limit items, as the spec states", "limit=7&offset=2", latest.slice(14, 21)],
    ["a page past the end is empty", "limit=50&offset=9", []],
    ["version=1", "limit=500&version=1", instances.filter((i) => i.version === 1)],
    [
      "status=Complete (of the latest version)",
      "limit=500&status=Complete",
      latest.filter((i) => i.status === "Complete"),
    ],
    [
      "version and status together",
      "limit=500&version=1&status=Terminated",
      instances.filter((i) => i.version === 1 && i.status === "Terminated"),
    ],
    [
      "startTimeFrom and startTimeTo are inclusive, at 100 ns precision",
      `limit=500&startTimeFrom=${iso(at(latest, 9))}&startTimeTo=${iso(at(latest, 3))}`,
      latest.slice(3, 10),
    ],
    [
      "offset counts from the first instance at or before startTimeTo",
      `limit=2&offset=1&startTimeTo=${iso(at(latest, 5))}`,
      latest.slice(7, 9),
    ],
    ["names the spec lacks are ignored", "limit=3&foo=bar", latest.slice(0, 3)],
  ])("%s", (_, query, expected) => {
    expect(page(store, query)).toEqual(expected);
  });

  it("counts offset in items when told to play such a server", () => {
    expect(page(makeStore({ offsetUnit: "items" }), "limit=7&offset=2")).toEqual(latest.slice(2, 9));
  });

  it("takes the query as a string, URLSearchParams or a record", () => {
    for (const query of [
      "limit=2&offset=1",
      new URLSearchParams("limit=2&offset=1"),
      { limit: "2", offset: "1" },
    ]) {
      expect(store.list(request(undefined, { query }))).toEqual({
        status: 200,
        instances: latest.slice(2, 4),
      });
    }
  });

  it("finds the definition whatever the case of its id, and answers [] for one without instances", () => {
    expect(store.list(request("limit=1", { definitionId: definitionId.toUpperCase() }))).toEqual({
      status: 200,
      instances: latest.slice(0, 1),
    });
    expect(store.list(request("", { definitionId: emptyId }))).toEqual({ status: 200, instances: [] });
  });

  it("serves bare instances, grouped by definition and account", () => {
    const bare = new ProviderStore({ instances });
    expect(bare.definitions().map((d) => [d.definitionId, d.accountId])).toEqual([[definitionId, accountId]]);
    const answer = bare.list(request("limit=500&version=1", { apiKey: "any" }));
    expect(answer).toEqual({ status: 200, instances: instances.filter((i) => i.version === 1) });
  });

  it("generates the seeded demo data set by default (seed 1), another for another seed", () => {
    // The definition ids are the seed's first draws (generateDataset); no second data set needed.
    const idsOf = (seed: number) => {
      const random = seededRandom(seed);
      return [0, 1, 2].map(() => seededUuid(random));
    };
    const summary = (store: ProviderStore) =>
      store.definitions().map((d) => [d.definitionId, d.instances.length]);
    const counts = [2500, 1200, 0];
    expect(summary(new ProviderStore())).toEqual(idsOf(1).map((id, i) => [id, counts[i]]));
    expect(summary(new ProviderStore({ seed: 2 }))).toEqual(idsOf(2).map((id, i) => [id, counts[i]]));
  });
});

describe("a walk pinned to startTimeTo and version stays exact while instances are created", () => {
  it("gives page 2 as it was before the inserts", () => {
    const store = makeStore();
    const first = page(store, "limit=5");
    const pin = `startTimeTo=${iso(at(first, 0))}&version=2`;
    const before = page(store, `limit=5&offset=1&${pin}`);

    // Created during the walk: all newer than its first page; some of the latest version, some of a new one.
    const newest = new Date(Date.parse(at(first, 0).startedAt) + 60_000);
    const fresh = generateInstances({ seed: 9, accountId, definitionId, count: 4, newest, meanGapMs: 1_000 });
    const v2 = fresh.map((i) => ({ ...i, version: 2 }));
    const v3 = fresh.map((i) => ({ ...i, workflowId: i.workflowId.replace(/.$/, "f"), version: 3 }));
    store.insertInstances(definitionId, [...v2, ...v3]);

    expect(page(store, `limit=5&offset=1&${pin}`)).toEqual(before);
    expect(page(store, "limit=4")).toEqual(v3);
  });
});

describe("checks, in the API's order: key (401), parameters (400), definition (404)", () => {
  const checks: [string, ListRequest, number, number, string][] = [
    ["no bearer key", request("", { apiKey: undefined }), 401, 1200, "Unauthorized."],
    ["an empty bearer key", request("", { apiKey: "" }), 401, 1200, "Unauthorized."],
    ["an unknown bearer key", request("", { apiKey: "bad-key" }), 401, 1200, "Unauthorized."],
    [
      "no key and a bad parameter: the key first",
      request("limit=0", { apiKey: undefined }),
      401,
      1200,
      "Unauthorized.",
    ],
    ["a non-UUID definition id", request("", { definitionId: "nope" }), 400, 1000, "Invalid definition id."],
    [
      "a path segment that is not percent-decodable",
      request("", { accountId: "%E0%A4%A" }),
      400,
      1000,
      "Invalid path parameter encoding.",
    ],
    ["limit=0", request("limit=0"), 400, 1000, "Invalid limit: must be an integer from 1 to 500."],
    ["limit=abc", request("limit=abc"), 400, 1000, "Invalid limit: must be an integer from 1 to 500."],
    ["limit=2.5", request("limit=2.5"), 400, 1000, "Invalid limit: must be an integer from 1 to 500."],
    ["offset=-1", request("offset=-1"), 400, 1000, "Invalid offset: must be an integer >= 0."],
    ["version=0", request("version=0"), 400, 1000, "Invalid version: must be an integer >= 1."],
    [
      "status=Done",
      request("status=Done"),
      400,
      1000,
      "Invalid status: must be one of Runnable, Suspended, Complete, Terminated.",
    ],
    [
      "an unparseable date",
      request("startTimeFrom=yesterday"),
      400,
      1000,
      "Invalid startTimeFrom: must be an ISO 8601 date-time like 2021-06-30T03:20:39.3857479Z.",
    ],
    [
      "startTimeFrom after startTimeTo",
      request("startTimeFrom=2021-07-01T00:00:00Z&startTimeTo=2021-06-30T00:00:00Z"),
      400,
      1000,
      "Invalid startTimeFrom: must not be after startTimeTo (2021-06-30T00:00:00Z).",
    ],
    [
      "an unknown definition",
      request("", { definitionId: emptyId.replace("2", "3") }),
      404,
      1300,
      `Definition ${emptyId.replace("2", "3")} not found.`,
    ],
    [
      "a definition of another account",
      request("", { accountId: "other" }),
      404,
      1300,
      `Definition ${definitionId} not found.`,
    ],
  ];
  it.each(checks.map(([name, list, status, code, message]) => ({ name, list, status, code, message })))(
    "$name → $status / $code",
    ({ list, status, code, message }) => {
      expect(makeStore().list(list)).toEqual(errorOf(code, message, status));
    },
  );

  it("accepts any non-empty key without apiKeys, and follows setApiKeys", () => {
    const store = makeStore({ apiKeys: undefined });
    expect(store.list(request("limit=1", { apiKey: "anything" })).status).toBe(200);
    store.setApiKeys(["only-this"]);
    expect(store.list(request("limit=1", { apiKey: "anything" })).status).toBe(401);
    expect(store.list(request("limit=1", { apiKey: "only-this" })).status).toBe(200);
  });

  it("gives each error a fresh errorId and a 7-digit timestamp by default", () => {
    const store = new ProviderStore({ definitions: [] });
    const [a, b] = [store.list(request()), store.list(request())];
    if (!("error" in a) || !("error" in b)) throw new Error("expected errors");
    expect(a.error.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.error.errorId).not.toBe(b.error.errorId);
    expect(a.error.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
  });
});

describe("changes show on the next read", () => {
  it("inserted instances come first, the order stays stable (same startedAt: the later insert first)", () => {
    const store = makeStore();
    const fresh = generateInstances({
      seed: 4,
      accountId,
      definitionId,
      count: 2,
      newest: new Date("2027-01-01"),
    });
    const twins = fresh.map((i) => ({ ...i, version: 2 }));
    const before = page(store, "limit=3");
    store.insertInstances(definitionId, twins);
    expect(page(store, "limit=5")).toEqual([...twins, ...before]);
    const again = twins.map((i) => ({ ...i, workflowId: i.workflowId.replace(/.$/, "0") }));
    store.insertInstances(definitionId, again);
    expect(page(store, "limit=4")).toEqual([again[0], twins[0], again[1], twins[1]]);
  });

  it("updateInstance changes one instance: filters, views and the latest version follow", () => {
    const store = makeStore();
    const running = at(
      latest.filter((i) => i.status === "Runnable"),
      0,
    );
    const terminated = () => page(store, "limit=500&status=Terminated");
    expect(terminated()).not.toContainEqual(expect.objectContaining({ workflowId: running.workflowId }));

    const completedAt = "2026-11-01T12:00:00.1234567Z";
    store.updateInstance(definitionId, running.workflowId, { status: "Terminated", completedAt });
    expect(terminated()).toContainEqual({ ...running, status: "Terminated", completedAt });
    expect(page(store, "limit=500&status=Runnable")).not.toContainEqual(running);
    expect(page(store, "limit=500")).toHaveLength(latest.length);
  });

  it("updateInstance of startedAt re-sorts; of version moves it between versions", () => {
    const store = makeStore();
    const last = at(latest, latest.length - 1);
    store.updateInstance(definitionId, last.workflowId, { startedAt: "2030-01-01T00:00:00.12Z" });
    expect(page(store, "limit=1")).toEqual([{ ...last, startedAt: "2030-01-01T00:00:00.12Z" }]);
    store.updateInstance(definitionId, last.workflowId, { version: 7 });
    expect(page(store, "limit=500")).toEqual([{ ...last, startedAt: "2030-01-01T00:00:00.12Z", version: 7 }]);
  });

  it.each([
    ["an unknown definition", emptyId.replace("2", "3"), at(latest, 0).workflowId, {}, "unknown definition"],
    ["an unknown workflowId", definitionId, "0".repeat(24), {}, "unknown workflowId"],
    [
      "a change of workflowId",
      definitionId,
      at(latest, 0).workflowId,
      { workflowId: "f".repeat(24) },
      "cannot change workflowId",
    ],
    [
      "a change of definitionId",
      definitionId,
      at(latest, 0).workflowId,
      { definitionId: emptyId },
      "cannot change definitionId",
    ],
  ])("updateInstance throws for %s", (_, definition, workflowId, patch, message) => {
    expect(() => makeStore().updateInstance(definition, workflowId, patch)).toThrow(message);
  });

  it("insertInstances throws for an unknown definition; setDefinition replaces one", () => {
    const store = makeStore();
    expect(() => store.insertInstances(emptyId.replace("2", "3"), [])).toThrow("unknown definition");
    store.setDefinition({ definitionId, accountId, instances: latest.slice(0, 2) });
    expect(page(store, "limit=500")).toEqual(latest.slice(0, 2));
    expect(store.definitions().map((d) => d.instances.length)).toEqual([2, 0]);
  });

  it("latestVersion of a definition is the version served by default", () => {
    const store = makeStore();
    store.setDefinition({ definitionId, accountId, latestVersion: 1, instances });
    expect(page(store, "limit=500")).toEqual(instances.filter((i) => i.version === 1));
  });
});

describe("failNext", () => {
  it.each([
    [
      "429 with Retry-After: code 1100 by default",
      { status: 429, retryAfterSeconds: 3 },
      { status: 429, retryAfterSeconds: 3, code: 1100, message: "Too many requests." },
    ],
    [
      "a 5xx: code 1 by default",
      { status: 503 },
      { status: 503, code: 1, message: "Internal server error." },
    ],
    [
      "a code and message of its own",
      { status: 500, code: 42, message: "Disk full." },
      { status: 500, code: 42, message: "Disk full." },
    ],
    ["a 403: the spec's code", { status: 403 }, { status: 403, code: 1201, message: "Forbidden." }],
  ])("%s", (_, fault, expected) => {
    const store = makeStore();
    store.failNext(1, fault);
    const { status, code, message, retryAfterSeconds } = expected as typeof expected & {
      retryAfterSeconds?: number;
    };
    expect(store.list(request())).toEqual({
      ...errorOf(code, message, status),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
    expect(store.list(request("limit=1")).status).toBe(200);
  });

  it("answers the next count requests, queues later calls after earlier ones, then serves data", () => {
    const store = makeStore();
    store.failNext(2, { status: 429, retryAfterSeconds: 1 });
    store.failNext(1, { status: 500 });
    const statuses = Array.from({ length: 4 }, () => store.list(request("limit=1")).status);
    expect(statuses).toEqual([429, 429, 500, 200]);
  });

  it("comes before every other check (a rate limiter in front of the API)", () => {
    const store = makeStore();
    store.failNext(1, { status: 429, retryAfterSeconds: 1 });
    expect(store.list(request("limit=0", { apiKey: undefined })).status).toBe(429);
  });

  it("clearFaults drops what is queued", () => {
    const store = makeStore();
    store.failNext(5, { status: 502 });
    store.clearFaults();
    expect(store.list(request("limit=1")).status).toBe(200);
  });

  it.each([
    [0, { status: 429 }, "count must be an integer >= 1"],
    [1.5, { status: 429 }, "count must be an integer >= 1"],
    [1, { status: 200 }, "fault.status must be an HTTP status from 400 to 599"],
    [1, { status: 429, retryAfterSeconds: -1 }, "fault.retryAfterSeconds must be an integer >= 0"],
    [1, { status: 429, retryAfterSeconds: 1.5 }, "fault.retryAfterSeconds must be an integer >= 0"],
    [1, { status: 500, code: Number.NaN }, "fault.code must be an integer"],
  ])("refuses count %s, %j", (count, fault, message) => {
    expect(() => makeStore().failNext(count, fault)).toThrow(message);
  });
});

describe("options and the request log", () => {
  it.each([
    [{ seed: Number.NaN }, "seed must be an integer"],
    [{ seed: 1.5 }, "seed must be an integer"],
    [{ offsetUnit: "rows" as "items" }, 'offsetUnit must be "pages" or "items"'],
  ])("refuses %j", (options, message) => {
    expect(() => new ProviderStore(options)).toThrow(message);
  });

  it("keeps the last 1 000 requests, oldest first", () => {
    const store = makeStore();
    for (let i = 0; i < 1_005; i++) store.record({ method: "GET", url: `/${i}` });
    expect(store.requests).toHaveLength(1_000);
    expect(store.requests[0]).toEqual({ method: "GET", url: "/5" });
    expect(store.requests.at(-1)).toEqual({ method: "GET", url: "/1004" });
  });
});
