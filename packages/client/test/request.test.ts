import type { Middleware } from "openapi-fetch";
import { describe, expect, it } from "vitest";
import {
  createWorkflowsClient,
  InvalidParameterError,
  type ListWorkflowInstancesInput,
} from "../src/index.js";
import {
  accountId,
  definitionId,
  ids,
  instance,
  okHandler,
  PATH,
  rejectionOf,
  sendJson,
  serverPool,
} from "./support/fixtures.js";

const serve = serverPool();
const apiKey = "test-key-123";

describe("authentication and base URL", () => {
  it("sends the key as `Authorization: Bearer <apiKey>` and returns the page unchanged", async () => {
    const server = await serve(okHandler);
    const client = createWorkflowsClient({ apiKey, baseUrl: server.url });
    const page = await client.listWorkflowInstances(ids);
    // Timestamps stay strings with all 7 fractional digits.
    expect(page).toEqual([instance]);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe("GET");
    expect(request?.url).toBe(PATH);
    expect(request?.headers.authorization).toBe("Bearer test-key-123");
    // The key travels in that one header only.
    const others = Object.entries(request?.headers ?? {}).filter(([name]) => name !== "authorization");
    expect(JSON.stringify(others)).not.toContain(apiKey);
  });

  it("defaults to the spec's server, https://automation.8x8.com", async () => {
    // The real host is not reachable from tests: record what would be sent instead.
    const sent: { url: string; method: string; authorization: string | null }[] = [];
    const client = createWorkflowsClient({
      apiKey,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        sent.push({
          url: request.url,
          method: request.method,
          authorization: request.headers.get("authorization"),
        });
        return new Response("[]", { status: 200, headers: { "content-type": "application/json" } });
      },
    });
    expect(await client.listWorkflowInstances({ ...ids, limit: 5 })).toEqual([]);
    expect(sent).toEqual([
      {
        url: `https://automation.8x8.com${PATH}?limit=5`,
        method: "GET",
        authorization: "Bearer test-key-123",
      },
    ]);
  });

  it.each([
    { name: "with a trailing slash", suffix: "/", path: PATH },
    { name: "with a path prefix", suffix: "/proxy", path: `/proxy${PATH}` },
  ])("accepts a base URL $name", async ({ suffix, path }) => {
    const server = await serve(okHandler);
    const client = createWorkflowsClient({ apiKey, baseUrl: `${server.url}${suffix}` });
    await client.listWorkflowInstances(ids);
    expect(server.requests.map((r) => r.url)).toEqual([path]);
  });
});

describe("query serialization", () => {
  const queryOf = (url: string) => {
    const parsed = new URL(url, "http://server");
    return { path: parsed.pathname, query: [...parsed.searchParams.entries()], search: parsed.search };
  };

  it.each<{
    name: string;
    params: Omit<ListWorkflowInstancesInput, "accountId" | "definitionId">;
    query: [string, string][];
  }>([
    { name: "no filter: no query at all", params: {}, query: [] },
    { name: "limit", params: { limit: 10 }, query: [["limit", "10"]] },
    { name: "offset", params: { offset: 3 }, query: [["offset", "3"]] },
    { name: "offset 0 (falsy, still sent)", params: { offset: 0 }, query: [["offset", "0"]] },
    { name: "version", params: { version: 2 }, query: [["version", "2"]] },
    { name: "status", params: { status: "Terminated" }, query: [["status", "Terminated"]] },
    {
      name: "startTimeFrom as a 7-digit string (unchanged)",
      params: { startTimeFrom: "2021-06-30T03:20:39.3857479Z" },
      query: [["startTimeFrom", "2021-06-30T03:20:39.3857479Z"]],
    },
    {
      name: "startTimeTo as a string with a +02:00 offset (unchanged)",
      params: { startTimeTo: "2021-06-30T05:20:39.1234567+02:00" },
      query: [["startTimeTo", "2021-06-30T05:20:39.1234567+02:00"]],
    },
    {
      name: "startTimeFrom as a Date (toISOString)",
      params: { startTimeFrom: new Date(Date.UTC(2021, 5, 30, 3, 20, 39, 385)) },
      query: [["startTimeFrom", "2021-06-30T03:20:39.385Z"]],
    },
    {
      name: "startTimeTo as a Date (toISOString)",
      params: { startTimeTo: new Date(Date.UTC(2021, 6, 1, 0, 0, 0, 0)) },
      query: [["startTimeTo", "2021-07-01T00:00:00.000Z"]],
    },
    {
      name: "every filter at once",
      params: {
        limit: 500,
        offset: 7,
        version: 1,
        status: "Runnable",
        startTimeFrom: "2021-06-30T00:00:00Z",
        startTimeTo: new Date(Date.UTC(2021, 5, 30, 23, 59, 59, 999)),
      },
      query: [
        ["limit", "500"],
        ["offset", "7"],
        ["version", "1"],
        ["status", "Runnable"],
        ["startTimeFrom", "2021-06-30T00:00:00Z"],
        ["startTimeTo", "2021-06-30T23:59:59.999Z"],
      ],
    },
  ])("sends $name", async ({ params, query }) => {
    const server = await serve(okHandler);
    const client = createWorkflowsClient({ apiKey, baseUrl: server.url });
    await client.listWorkflowInstances({ ...ids, ...params });
    expect(server.requests).toHaveLength(1);
    const received = queryOf(server.requests[0]?.url ?? "");
    expect(received.path).toBe(PATH);
    expect(received.query).toEqual(query);
    if (query.length === 0) expect(server.requests[0]?.url).toBe(PATH);
  });

  it("percent-encodes `+` and `:` so an offset is not read back as a space", async () => {
    const server = await serve(okHandler);
    const client = createWorkflowsClient({ apiKey, baseUrl: server.url });
    await client.listWorkflowInstances({ ...ids, startTimeFrom: "2021-06-30T05:20:39.1234567+02:00" });
    expect(server.requests[0]?.url).toBe(`${PATH}?startTimeFrom=2021-06-30T05%3A20%3A39.1234567%2B02%3A00`);
  });
});

describe("path encoding", () => {
  it.each([
    { accountId: "a/../x?y#z", segment: "a%2F..%2Fx%3Fy%23z" },
    { accountId: "acme$&", segment: "acme%24%26" },
    { accountId: "ac$'me", segment: "ac%24'me" },
    { accountId: "$`pre", segment: "%24%60pre" },
    { accountId: "sp ace%2e", segment: "sp%20ace%252e" },
    { accountId: "..x", segment: "..x" },
  ])("keeps accountId $accountId inside its one path segment", async ({ accountId: id, segment }) => {
    const server = await serve(okHandler);
    const client = createWorkflowsClient({ apiKey, baseUrl: server.url });
    await client.listWorkflowInstances({ accountId: id, definitionId, limit: 5 });
    expect(server.requests.map((r) => r.url)).toEqual([
      `/api/v1/accounts/${segment}/definitions/${definitionId}/workflows?limit=5`,
    ]);
    expect(decodeURIComponent(segment)).toBe(id);
  });

  it.each([
    { name: "accountId", value: ".", validate: true },
    { name: "accountId", value: "..", validate: true },
    { name: "accountId", value: "..", validate: false },
    { name: "definitionId", value: ".", validate: false },
    { name: "definitionId", value: "..", validate: false },
  ] as const)(
    "rejects the dot-segment $name=$value (validate: $validate) before sending",
    async ({ name, value, validate }) => {
      const server = await serve(okHandler);
      const client = createWorkflowsClient({ apiKey, baseUrl: server.url, validate });
      const error = await rejectionOf(client.listWorkflowInstances({ ...ids, [name]: value }));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error).toMatchObject({ parameter: name, value });
      expect(server.requests).toHaveLength(0);
    },
  );
});

describe("client.raw", () => {
  it("is the openapi-fetch client: middleware sees the request (before auth is added) and the response", async () => {
    const server = await serve((_req, res) => sendJson(res, 200, [instance], { "x-trace": "t-1" }));
    const client = createWorkflowsClient({ apiKey, baseUrl: server.url });
    const seen: { url: string; authorization: string | null; status?: number; trace?: string | null }[] = [];
    const middleware: Middleware = {
      onRequest({ request }) {
        seen.push({ url: request.url, authorization: request.headers.get("authorization") });
        const tagged = new Request(request);
        tagged.headers.set("x-request-tag", "from-middleware");
        return tagged;
      },
      onResponse({ response }) {
        const last = seen.at(-1);
        if (last) Object.assign(last, { status: response.status, trace: response.headers.get("x-trace") });
      },
    };
    client.raw.use(middleware);
    await client.listWorkflowInstances({ ...ids, limit: 3 });
    // The key is added by the transport underneath openapi-fetch, so middleware never holds it.
    expect(seen).toEqual([
      { url: `${server.url}${PATH}?limit=3`, authorization: null, status: 200, trace: "t-1" },
    ]);
    expect(server.requests[0]?.headers["x-request-tag"]).toBe("from-middleware");
    expect(server.requests[0]?.headers.authorization).toBe("Bearer test-key-123");
  });

  it("shares auth with the client when called directly", async () => {
    const server = await serve(okHandler);
    const client = createWorkflowsClient({ apiKey, baseUrl: server.url });
    const { data, response } = await client.raw.GET(
      "/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows",
      { params: { path: { accountId, definitionId }, query: { limit: 1 } } },
    );
    expect(response.status).toBe(200);
    expect(data).toEqual([instance]);
    expect(server.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      [`${PATH}?limit=1`, "Bearer test-key-123"],
    ]);
  });
});
