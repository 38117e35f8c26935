import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { formatProbeJson, formatProbeTable, InvalidHarError, probeConformance } from "../src/index.js";
import { API_KEY, DRIFTS, harViolations, idsWith, providers, recordTraffic, verdicts } from "./support.js";

const servers = providers();

describe("probeConformance({ har }): recorded traffic, no request sent", () => {
  it("a recording of the reference provider confirms what traffic can show, contradicts nothing", async () => {
    const har = await recordTraffic(servers.get("spec"));
    expect(harViolations(har)).toEqual([]);
    const report = await probeConformance({ har });
    expect(report).toMatchObject({ source: "har", offsetUnit: "pages", ignored: 0 });
    // The recording names the server it came from: the provider's origin, as the requests went.
    expect(report.server).toBe(new URL(servers.get("spec").url).origin);
    expect(report.requests).toBe(har.log.entries.length);
    // Counted in words: several 200s, the one 404 of the unknown definition.
    const reason = (id: string) => report.checks.find((c) => c.id === id)?.evidence.reason;
    expect(reason("shape.instances")).toBe(
      `${report.requests - 1} answers with status 200 match the spec's schema`,
    );
    expect(reason("shape.errors")).toBe("1 answer with status 404 matches the spec's schema");
    // Everything else is confirmed.
    expect(verdicts(report)).toMatchObject({
      contradicted: [],
      inconclusive: ["limit.default", "empty.no-match", "error.invalid-definition-id", "error.bad-key"],
    });
    expect(report.checks.find((c) => c.id === "empty.no-match")?.evidence.reason).toBe(
      "a recording cannot show that nothing matched a request",
    );
    expect(JSON.stringify(har)).not.toContain(API_KEY);
  });

  it.each(DRIFTS)(
    "a recording through a drift ($name) contradicts $recordingContradicts",
    async ({ drift, server, recordingContradicts }) => {
      const har = await recordTraffic(servers.get(server ?? "spec"), drift?.(globalThis.fetch));
      const report = await probeConformance({ har });
      expect(idsWith(report, "contradicted")).toEqual(recordingContradicts);
    },
  );

  it("counts the entries that are not this operation (or not the definition asked for) as ignored", async () => {
    const server = servers.get("spec");
    const har = await recordTraffic(server);
    const entries = har.log.entries.length;
    const report = await probeConformance({ har, definitionId: server.definitionId.toUpperCase() });
    // The unknown-definition request is another definition's.
    expect([report.requests, report.ignored]).toEqual([entries - 1, 1]);
  });

  it("reads a HAR written by another tool: pages, custom fields, timings, cache, compressed base64 content", async () => {
    const base =
      "https://automation.8x8.com/api/v1/accounts/acme/definitions/5870442f-3ddd-4657-b74c-6e17308f5230/workflows";
    const instance = (n: number, startedAt: string) => ({
      workflowId: `60dbe307fe55d99fc083db${String(60 + n)}`,
      data: { accountId: "acme", triggeredAt: "2021-06-30T03:20:39.3857479Z", _internal: { n } },
      definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230",
      version: 1,
      status: "Complete",
      startedAt,
      completedAt: "2021-06-30T03:21:25.83Z",
    });
    const page = [instance(2, "2021-06-30T03:20:41.1234567Z"), instance(1, "2021-06-30T03:20:39.49Z")];
    const gzipped = gzipSync(JSON.stringify(page)).toString("base64");
    const timings = {
      blocked: 0.4,
      dns: -1,
      connect: 12.1,
      ssl: 8.3,
      send: 0.2,
      wait: 41.7,
      receive: 1.1,
      _queued: 0.3,
    };
    const entry = (url: string, status: number, content: Record<string, unknown>, extra = {}) => ({
      pageref: "page_1",
      startedDateTime: "2021-06-30T03:22:00.123+02:00",
      time: 63.8,
      request: {
        method: "GET",
        url,
        httpVersion: "HTTP/2",
        cookies: [],
        headers: [{ name: "authorization", value: "Bearer ****" }],
        queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status,
        statusText: "",
        httpVersion: "HTTP/2",
        cookies: [],
        headers: [
          { name: "Content-Type", value: "application/json; charset=utf-8" },
          { name: "Content-Encoding", value: "gzip" },
        ],
        content,
        redirectURL: "",
        headersSize: 212,
        bodySize: 180,
        _transferSize: 392,
      },
      cache: { beforeRequest: null, afterRequest: null },
      timings,
      serverIPAddress: "192.0.2.10",
      connection: "443",
      _initiator: { type: "script" },
      _resourceType: "fetch",
      ...extra,
    });
    const har = {
      log: {
        version: "1.2",
        creator: { name: "WebInspector", version: "537.36" },
        browser: { name: "Chrome", version: "120.0" },
        pages: [
          {
            startedDateTime: "2021-06-30T03:21:59.000+02:00",
            id: "page_1",
            title: "Workflows dashboard",
            pageTimings: { onContentLoad: 310, onLoad: 540 },
          },
        ],
        entries: [
          entry(`${base}?limit=2`, 200, {
            size: 900,
            compression: 720,
            mimeType: "application/json",
            text: gzipped,
            encoding: "base64",
          }),
          entry(`${base}?status=Complete`, 200, {
            size: 900,
            mimeType: "application/json",
            text: JSON.stringify(page),
            _customNote: "decoded",
          }),
          entry("https://automation.8x8.com/favicon.ico", 200, { size: 0, mimeType: "image/x-icon" }),
        ],
        _exportedBy: "a browser's devtools",
      },
    };
    expect(harViolations(har)).toEqual([]);
    const report = await probeConformance({ har });
    expect([report.requests, report.ignored]).toEqual([2, 1]);
    expect(verdicts(report)).toMatchObject({
      contradicted: [],
      confirmed: [
        "shape.instances",
        "order.within-page",
        "limit.page-length",
        "filter.status",
        "timestamps.precision",
      ],
    });
  });

  it("counts in words: one answer is singular, and the report says which server the recording came from", async () => {
    const url = (query: string) =>
      `https://automation.8x8.com/api/v1/accounts/acme/definitions/5870442f-3ddd-4657-b74c-6e17308f5230/workflows${query}`;
    const entry = (query: string, status: number, body: unknown) => ({
      request: { method: "GET", url: url(query) },
      response: {
        status,
        headers: [{ name: "content-type", value: "application/json" }],
        content: { text: JSON.stringify(body) },
      },
    });
    const instance = {
      workflowId: "60dbe307fe55d99fc083db61",
      data: { accountId: "acme", triggeredAt: "2021-06-30T03:20:39.3857479Z" },
      definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230",
      version: 1,
      status: "Complete",
      startedAt: "2021-06-30T03:20:39.49Z",
      completedAt: "2021-06-30T03:21:25.83Z",
    };
    const unauthorized = {
      code: 1200,
      message: "Unauthorized",
      errorId: "e1",
      timestamp: "2021-07-13T01:28:37.66Z",
    };
    const har = {
      log: { entries: [entry("?status=Complete", 200, [instance]), entry("", 401, unauthorized)] },
    };
    const report = await probeConformance({ har });
    const reason = (id: string) => report.checks.find((c) => c.id === id)?.evidence.reason;
    expect(reason("shape.instances")).toBe("1 answer with status 200 matches the spec's schema");
    expect(reason("shape.errors")).toBe("1 answer with status 401 matches the spec's schema");
    expect(reason("filter.status")).toBe("1 answer to a status filter holds only matching instances");
    expect(report.server).toBe("https://automation.8x8.com");
    expect(formatProbeTable(report)).toContain(
      "2 recorded requests checked (from https://automation.8x8.com), 0 other entries ignored",
    );
    expect(JSON.parse(formatProbeJson(report))).toMatchObject({
      source: "har",
      server: "https://automation.8x8.com",
    });

    // An answer that breaks the schema: "1 of 1 answer … breaks".
    const broken = await probeConformance({
      har: {
        log: {
          entries: [
            entry("", 401, { code: 1200 }),
            { ...entry("", 200, []), request: { url: "http://127.0.0.1:4011/x" } },
          ],
        },
      },
    });
    expect(broken.checks.find((c) => c.id === "shape.errors")?.evidence.reason).toMatch(
      /^1 of 1 answer with status 401 breaks the spec: /,
    );
    // One entry of the operation, one ignored; a recording of nothing names no server.
    expect(formatProbeTable(broken)).toContain(
      "1 recorded request checked (from https://automation.8x8.com), 1 other entry ignored",
    );
    expect((await probeConformance({ har: { log: { entries: [] } } })).server).toBeNull();
  });

  it.each([
    ["not a HAR document: log.entries is missing", undefined, { entries: [] }],
    [
      "HAR entry 1 has no request.url or response.status",
      1,
      {
        log: {
          entries: [
            { request: { url: "http://x/" }, response: { status: 200 } },
            { request: {}, response: {} },
          ],
        },
      },
    ],
  ])("rejects what is not HAR: %s", async (message, entry, har) => {
    const error = await probeConformance({ har }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidHarError);
    expect(error).toMatchObject({ message, entry });
  });
});
