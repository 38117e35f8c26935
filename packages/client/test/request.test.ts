import { generateInstances } from "@workflows-kit/provider";
import { createObservedFetch, json, rejectionOf } from "@workflows-kit/testing";
import type { Middleware } from "openapi-fetch";
import { describe, expect, it } from "vitest";
import {
  createWorkflowsClient,
  InvalidParameterError,
  type ListWorkflowInstancesInput,
} from "../src/index.js";
import {
  accountId,
  apiKey,
  BASE_URL,
  collect,
  definitionId,
  ids,
  instance,
  okHandler,
  PATH,
  serveList,
  setup,
} from "./support/fixtures.js";

/** Path and query of request `index`, as it went on the wire. */
const target = (observed: { requests: readonly Request[] }, index = 0) => {
  const url = new URL(observed.requests[index]?.url ?? "");
  return `${url.pathname}${url.search}`;
};

describe("authentication and base URL", () => {
  it("sends the key as `Authorization: Bearer <apiKey>` and returns the page unchanged", async () => {
    const { client, observed } = setup();
    // Timestamps stay strings with all 7 fractional digits.
    expect(await client.listWorkflowInstances(ids)).toEqual([instance]);
    expect(observed.requests).toHaveLength(1);
    const [request] = observed.requests;
    expect(request?.method).toBe("GET");
    expect(target(observed)).toBe(PATH);
    expect(request?.headers.get("authorization")).toBe("Bearer test-key-123");
    // The key travels in that one header only.
    const others = [...(request?.headers.entries() ?? [])].filter(([name]) => name !== "authorization");
    expect(JSON.stringify(others)).not.toContain(apiKey);
  });

  it("defaults to the spec's server, https://automation.8x8.com", async () => {
    const observed = createObservedFetch(() => json([]));
    const client = createWorkflowsClient({ apiKey, fetch: observed.fetch });
    expect(await client.listWorkflowInstances({ ...ids, limit: 5 })).toEqual([]);
    expect(observed.requests.map((r) => r.url)).toEqual([`https://automation.8x8.com${PATH}?limit=5`]);
  });

  it.each([
    { name: "with a trailing slash", suffix: "/", path: PATH },
    { name: "with a path prefix", suffix: "/proxy", path: `/proxy${PATH}` },
  ])("accepts a base URL $name", async ({ suffix, path }) => {
    const { client, observed } = setup(okHandler, { baseUrl: `${BASE_URL}${suffix}` });
    await client.listWorkflowInstances(ids);
    expect(target(observed)).toBe(path);
  });

  it("hands a custom fetch the final Request: key, signal and the caller's headers on it", async () => {
    const { client, observed } = setup();
    await client.listWorkflowInstances(ids, { headers: { Prefer: "code=200" } });
    const [request] = observed.requests;
    expect(request).toBeInstanceOf(Request);
    expect(request?.headers.get("authorization")).toBe(`Bearer ${apiKey}`);
    expect(request?.headers.get("prefer")).toBe("code=200");
    expect(request?.signal).toBeInstanceOf(AbortSignal);
  });
});

describe("query serialization", () => {
  it.each<{
    name: string;
    params: Omit<ListWorkflowInstancesInput, "accountId" | "definitionId">;
    query: string;
  }>([
    { name: "no filter: no query at all", params: {}, query: "" },
    { name: "limit", params: { limit: 10 }, query: "?limit=10" },
    { name: "offset", params: { offset: 3 }, query: "?offset=3" },
    { name: "offset 0 (falsy, still sent)", params: { offset: 0 }, query: "?offset=0" },
    { name: "version", params: { version: 2 }, query: "?version=2" },
    { name: "status", params: { status: "Terminated" }, query: "?status=Terminated" },
    {
      name: "parameters given as undefined: left out",
      params: { status: undefined, limit: undefined, startTimeFrom: undefined, version: 2 },
      query: "?version=2",
    },
    {
      name: "startTimeFrom as a 7-digit string (unchanged)",
      params: { startTimeFrom: "2021-06-30T03:20:39.3857479Z" },
      query: "?startTimeFrom=2021-06-30T03%3A20%3A39.3857479Z",
    },
    {
      name: "startTimeTo with a +02:00 offset (unchanged; `+` and `:` percent-encoded, so not read as a space)",
      params: { startTimeTo: "2021-06-30T05:20:39.1234567+02:00" },
      query: "?startTimeTo=2021-06-30T05%3A20%3A39.1234567%2B02%3A00",
    },
    {
      name: "startTimeFrom as a Date (toISOString)",
      params: { startTimeFrom: new Date(Date.UTC(2021, 5, 30, 3, 20, 39, 385)) },
      query: "?startTimeFrom=2021-06-30T03%3A20%3A39.385Z",
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
      query:
        "?limit=500&offset=7&version=1&status=Runnable&startTimeFrom=2021-06-30T00%3A00%3A00Z&startTimeTo=2021-06-30T23%3A59%3A59.999Z",
    },
  ])("sends $name", async ({ params, query }) => {
    const { client, observed } = setup();
    await client.listWorkflowInstances({ ...ids, ...params });
    expect(observed.requests.map((_, i) => target(observed, i))).toEqual([`${PATH}${query}`]);
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
    const { client, observed } = setup();
    await client.listWorkflowInstances({ accountId: id, definitionId, limit: 5 });
    expect(target(observed)).toBe(
      `/api/v1/accounts/${segment}/definitions/${definitionId}/workflows?limit=5`,
    );
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
      const { client, observed } = setup(okHandler, { validate });
      const error = await rejectionOf(client.listWorkflowInstances({ ...ids, [name]: value }));
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error).toMatchObject({ parameter: name, value });
      expect(observed.requests).toHaveLength(0);
    },
  );
});

describe("per-call headers", () => {
  it.each([
    { name: "a record", headers: { Prefer: "code=404, example=notFound" } },
    { name: "a Headers", headers: new Headers({ Prefer: "code=404, example=notFound" }) },
    { name: "pairs", headers: [["Prefer", "code=404, example=notFound"]] as [string, string][] },
  ])("go out on the request, given as $name", async ({ headers }) => {
    const { client, observed } = setup();
    await client.listWorkflowInstances(ids, { headers });
    expect(observed.requests[0]?.headers.get("prefer")).toBe("code=404, example=notFound");
  });

  it("go out on every page of a walk, and only on that call", async () => {
    const list = serveList(generateInstances({ seed: 1, ...ids, count: 4, versions: 1 }));
    const { client, observed } = setup(list.handler);
    await collect(
      client.iterateWorkflowInstancePages({ ...ids, pageSize: 2 }, { headers: { "x-trace": "t-1" } }),
    );
    await client.listWorkflowInstances(ids);
    expect(observed.requests.map((r) => r.headers.get("x-trace"))).toEqual(["t-1", "t-1", "t-1", null]);
  });

  it.each([
    { name: "Authorization", headers: { Authorization: "Bearer other-key" } },
    { name: "authorization (any case)", headers: new Headers({ authorization: "Bearer other-key" }) },
  ])(
    "cannot set $name: InvalidParameterError(headers), the value not echoed, nothing sent",
    async ({ headers }) => {
      const { client, observed } = setup();
      const error = (await rejectionOf(
        client.listWorkflowInstances(ids, { headers }),
      )) as InvalidParameterError;
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect(error.parameter).toBe("headers");
      expect(`${error.message}${String(error.value)}`).not.toContain("other-key");
      expect(observed.requests).toHaveLength(0);
    },
  );

  it("invalid header names or values: InvalidParameterError(headers), the value not echoed", async () => {
    const { client, observed } = setup();
    for (const headers of [{ "bad name": "x" }, { "x-token": "secret\nvalue" }]) {
      const error = (await rejectionOf(
        client.listWorkflowInstances(ids, { headers }),
      )) as InvalidParameterError;
      expect({ parameter: error.parameter, leaked: error.message.includes("secret") }).toEqual({
        parameter: "headers",
        leaked: false,
      });
    }
    expect(observed.requests).toHaveLength(0);
  });
});

describe("client.raw", () => {
  it("is the openapi-fetch client: middleware sees the request (before auth is added) and the response", async () => {
    const { client, observed } = setup(() => json([instance], 200, { "x-trace": "t-1" }));
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
      { url: `${BASE_URL}${PATH}?limit=3`, authorization: null, status: 200, trace: "t-1" },
    ]);
    expect(observed.requests[0]?.headers.get("x-request-tag")).toBe("from-middleware");
    expect(observed.requests[0]?.headers.get("authorization")).toBe("Bearer test-key-123");
  });

  // As openapi-fetch requires, a middleware that reads the body reads a clone of the response.
  it.each<{ name: string; read: (response: Response) => Promise<unknown> }>([
    { name: "clone().json()", read: (response) => response.clone().json() },
    {
      name: "clone().arrayBuffer()",
      read: async (r) => JSON.parse(new TextDecoder().decode(await r.clone().arrayBuffer())),
    },
    {
      name: "clone().blob()",
      read: async (response) => JSON.parse(await (await response.clone().blob()).text()),
    },
    {
      name: "the body stream of a clone",
      read: async (response) => JSON.parse(await new Response(response.clone().body).text()),
    },
  ])("middleware reads the response with $name, and the page still arrives", async ({ read }) => {
    const { client } = setup();
    const seen: unknown[] = [];
    client.raw.use({
      async onResponse({ response }) {
        seen.push(await read(response), response.url);
      },
    });
    expect(await client.listWorkflowInstances(ids)).toEqual([instance]);
    expect(seen).toEqual([[instance], `${BASE_URL}${PATH}`]);
  });

  it("middleware shares retries: onRequest and onResponse run once around every attempt", async () => {
    let count = 0;
    const { client, observed, run } = setup((_request, index) =>
      index === 0 ? json({ code: 1, message: "x", errorId: "e", timestamp: "t" }, 503) : json([instance]),
    );
    client.raw.use({ onRequest: () => void count++, onResponse: () => void count++ });
    expect(await run(client.listWorkflowInstances(ids))).toEqual([instance]);
    expect({ count, requests: observed.requests.length }).toEqual({ count: 2, requests: 2 });
  });

  it("shares auth with the client when called directly, and its response knows its URL", async () => {
    const { client, observed } = setup();
    const { data, response } = await client.raw.GET(
      "/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows",
      { params: { path: { accountId, definitionId }, query: { limit: 1 } } },
    );
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${BASE_URL}${PATH}?limit=1`);
    expect(data).toEqual([instance]);
    expect(observed.requests.map((r) => [target(observed), r.headers.get("authorization")])).toEqual([
      [`${PATH}?limit=1`, "Bearer test-key-123"],
    ]);
  });
});
