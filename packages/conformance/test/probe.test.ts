import { startMock } from "@workflows-kit/mock";
import { describe, expect, it } from "vitest";
import {
  BAD_KEY,
  CHECK_IDS,
  formatProbeJson,
  formatProbeJunit,
  formatProbeTable,
  type LiveProbeOptions,
  probeConformance,
} from "../src/index.js";
import { API_KEY, DRIFTS, idsWith, providers, verdicts } from "./support.js";

const servers = providers();

/** The probe against a server, through `fetch` (a drift, or a spy), recording what reached the server. */
async function probe(
  server: { url: string; accountId: string; definitionId: string },
  options: Partial<LiveProbeOptions> = {},
) {
  const seen: Request[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const inner = options.fetch ?? globalThis.fetch;
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push(request.clone());
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      return await inner(request);
    } finally {
      inFlight--;
    }
  };
  const report = await probeConformance({
    apiKey: API_KEY,
    baseUrl: server.url,
    accountId: server.accountId,
    definitionId: server.definitionId,
    ...options,
    fetch,
  });
  return { report, seen, maxInFlight };
}

describe("probeConformance against the reference provider", () => {
  it("confirms every check, with read-only GETs sent one at a time", async () => {
    const server = servers.get("spec");
    const { report, seen, maxInFlight } = await probe(server);
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual(CHECK_IDS.map((id) => [id, "confirmed"]));
    expect(report).toMatchObject({ source: "server", offsetUnit: "pages", ignored: 0 });
    // Which server was probed: the base URL's origin, in the report, its JSON and its table.
    const origin = new URL(server.url).origin;
    expect(report.server).toBe(origin);
    expect(JSON.parse(formatProbeJson(report))).toMatchObject({ source: "server", server: origin });
    expect(formatProbeTable(report)).toContain(`; ${report.requests} requests sent to ${origin}; `);
    expect(report.requests).toBe(seen.length);
    expect(report.requests).toBeLessThanOrEqual(30);
    expect(new Set(seen.map((r) => r.method))).toEqual(new Set(["GET"]));
    expect(maxInFlight).toBe(1);
    // Each verdict names its requests; the offending excerpt comes with contradictions only.
    for (const check of report.checks) expect(check.evidence.requests.length, check.id).toBeGreaterThan(0);
  });

  it("sends the real key, and the bad key only on the request that tests it", async () => {
    const { seen } = await probe(servers.get("spec"));
    const keys = seen.map((r) => r.headers.get("authorization"));
    expect(keys.filter((k) => k === `Bearer ${BAD_KEY}`)).toHaveLength(1);
    expect(keys.filter((k) => k === `Bearer ${API_KEY}`)).toHaveLength(seen.length - 1);
  });

  it("never prints or stores the key: table, JSON, JUnit and the recorded HAR are free of it", async () => {
    const { report } = await probe(servers.get("spec"));
    for (const text of [
      formatProbeTable(report),
      formatProbeJson(report),
      formatProbeJunit(report),
      JSON.stringify(report.har),
      JSON.stringify(report),
    ]) {
      expect(text).not.toContain(API_KEY);
    }
    expect(report.har?.log.entries).toHaveLength(report.requests);
  });
});

describe("probeConformance against drifted servers", () => {
  it.each(DRIFTS)(
    "$name: contradicts $contradicts and nothing else",
    async ({ drift, server, contradicts }) => {
      const { report } = await probe(
        servers.get(server ?? "spec"),
        drift ? { fetch: drift(globalThis.fetch) } : {},
      );
      expect(idsWith(report, "contradicted")).toEqual(contradicts);
      for (const id of contradicts) {
        const check = report.checks.find((c) => c.id === id);
        expect(check?.evidence.requests.length, id).toBeGreaterThan(0);
      }
    },
  );

  it("offset counted in items: names the unit it saw, and the table shows the evidence", async () => {
    const { report } = await probe(servers.get("items"));
    expect(report.offsetUnit).toBe("items");
    const table = formatProbeTable(report);
    expect(table).toMatch(
      /^contradicted\s+offset\.unit\s+limit=10&offset=1 starts at instance #1 of the list/m,
    );
    expect(table).toContain(
      "Contradicted:\n  offset.unit: the spec says: `offset` counts pages (x-offset-unit: pages)",
    );
    expect(table).toMatch(
      / {4}GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/accounts\/demo-account\/definitions\/[0-9a-f-]+\/workflows\?limit=10&offset=1 → 200/,
    );
    expect(table).toContain("16 confirmed, 1 contradicted, 0 inconclusive");
  });
});

describe("probeConformance against Prism (the spec's static examples)", () => {
  it("confirms what examples can show, leaves the rest inconclusive, and raises no false alarm", async () => {
    const mock = await startMock();
    try {
      const { report } = await probe({
        url: mock.url,
        accountId: "acme",
        definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230",
      });
      expect(verdicts(report)).toMatchObject({
        contradicted: [],
        confirmed: ["shape.instances", "shape.errors", "error.invalid-definition-id", "timestamps.precision"],
      });
      const reason = (id: string) => report.checks.find((c) => c.id === id)?.evidence.reason;
      expect(reason("error.bad-key")).toMatch(/does not check keys/);
      expect(reason("error.unknown-definition")).toMatch(/does not look definitions up/);
      expect(reason("offset.unit")).toMatch(/only 2 instances match/);
    } finally {
      await mock.close();
    }
  });
});

describe("politeness", () => {
  it("stops at maxRequests: the checks left without a request are inconclusive and say why", async () => {
    const { report, seen } = await probe(servers.get("spec"), { maxRequests: 4 });
    expect(seen).toHaveLength(4);
    expect(report.requests).toBe(4);
    expect(report.stopped).toBe("not run: the probe's budget of 4 requests ran out");
    expect(idsWith(report, "contradicted")).toEqual([]);
    const notRun = report.checks.filter((c) => c.evidence.reason === report.stopped).map((c) => c.id);
    expect(notRun).toEqual(
      expect.arrayContaining([
        "filter.status",
        "empty.no-match",
        "error.bad-key",
        "error.unknown-definition",
      ]),
    );
  });

  /** A fetch answering 429 (with `retryAfter`, if given) to the first `times` requests. */
  const rateLimited =
    (times: number, retryAfter?: string): typeof globalThis.fetch =>
    async (input, init) => {
      if (times-- <= 0) return globalThis.fetch(input, init);
      const body = {
        code: 1100,
        message: "Too many requests.",
        errorId: "e-1",
        timestamp: "2021-07-13T01:28:37.66Z",
      };
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (retryAfter !== undefined) headers["retry-after"] = retryAfter;
      return new Response(JSON.stringify(body), { status: 429, headers });
    };

  /** A sleep that returns at once and remembers what it was asked to wait. */
  const fakeSleep = () => {
    const waits: number[] = [];
    return { waits, sleep: async (ms: number) => void waits.push(ms) };
  };

  it("waits out a 429's Retry-After (injected sleep), then sends the request again; each one counts", async () => {
    const { waits, sleep } = fakeSleep();
    const { report, seen } = await probe(servers.get("spec"), { fetch: rateLimited(2, "3"), sleep });
    expect(waits).toEqual([3000, 3000]);
    expect(report.requests).toBe(seen.length);
    expect(verdicts(report)).toMatchObject({ contradicted: [], inconclusive: [] });
  });

  it("ends cleanly on a Retry-After longer than maxRetryAfterMs, with what it has", async () => {
    const { waits, sleep } = fakeSleep();
    const { report, seen } = await probe(servers.get("spec"), { fetch: rateLimited(1, "120"), sleep });
    expect(waits).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(report.stopped).toMatch(/rate limited \(429 to wait 120 s; the probe waits at most 30 s\)/);
    // The 429 itself was checked: it has the spec's shape and its Retry-After.
    expect(report.checks.find((c) => c.id === "shape.errors")?.verdict).toBe("confirmed");
    expect(idsWith(report, "contradicted")).toEqual([]);
  });

  it("a signal ends the probe with WorkflowsAbortError, also while it waits out a 429", async () => {
    const controller = new AbortController();
    const sleep = async () => {
      controller.abort(new Error("enough"));
      throw controller.signal.reason;
    };
    const probing = probe(servers.get("spec"), {
      fetch: rateLimited(1, "3"),
      sleep,
      signal: controller.signal,
    });
    await expect(probing).rejects.toMatchObject({ name: "WorkflowsAbortError", cause: new Error("enough") });
  });

  it("a 429 without Retry-After contradicts shape.errors and ends the probe", async () => {
    const { report } = await probe(servers.get("spec"), { fetch: rateLimited(1) });
    expect(idsWith(report, "contradicted")).toEqual(["shape.errors"]);
    expect(report.checks.find((c) => c.id === "shape.errors")?.evidence.reason).toMatch(
      /no Retry-After header \(the spec requires it on 429\)/,
    );
  });

  it.each([
    ["maxRequests", { maxRequests: 0 }],
    ["maxRetryAfterMs", { maxRetryAfterMs: -1 }],
  ])("rejects a bad %s, naming it", async (name, options) => {
    await expect(probe(servers.get("spec"), options)).rejects.toMatchObject({
      name: "InvalidParameterError",
      parameter: name,
    });
  });

  it("rejects with the client's error when the probe cannot start (unknown definition, rejected key)", async () => {
    const server = servers.get("spec");
    await expect(
      probe({ ...server, definitionId: "0b7e4a1c-9f2d-4c3b-8a5e-6d1f2e3c4b5a" }),
    ).rejects.toMatchObject({
      name: "NotFoundError",
    });
    await expect(probe(server, { apiKey: "wrong" })).rejects.toMatchObject({ name: "AuthenticationError" });
    await expect(probe({ ...server, definitionId: "nope" })).rejects.toMatchObject({
      name: "InvalidParameterError",
      parameter: "definitionId",
    });
  });
});
