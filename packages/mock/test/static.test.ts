// The real client against Prism serving the spec's static examples, one server for the whole file.
import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  InvalidResponseError,
  type ListWorkflowInstancesInput,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  WorkflowsApiError,
} from "@workflows-kit/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockServer, prefer, startMock } from "../src/index.js";
import {
  definitionId,
  errorExample,
  errorViolations,
  ids,
  instancesExample,
  mockClient,
  PATH,
  rejectionOf,
  retryAfterExample,
  violationsOf,
  withoutAuthorization,
} from "./support.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(async () => {
  await mock.close();
});

describe("every parameter the client sends is accepted by the spec (Prism validates each request)", () => {
  // Each case goes through the client's own serialization; a 200 means Prism found the request valid.
  // `query` is what must be on the wire, decoded: the client's encoding and the spec agree on it.
  const cases: {
    name: string;
    params: Partial<ListWorkflowInstancesInput>;
    query: Record<string, string>;
    /** Static examples ignore `limit`: the two-instance example is too long a page for limit 1. */
    tooLong?: true;
  }[] = [
    { name: "no filters", params: {}, query: {} },
    { name: "limit 1", params: { limit: 1 }, query: { limit: "1" }, tooLong: true },
    { name: "limit 500 (the maximum)", params: { limit: 500 }, query: { limit: "500" } },
    { name: "offset 0", params: { offset: 0 }, query: { offset: "0" } },
    { name: "offset 3", params: { limit: 10, offset: 3 }, query: { limit: "10", offset: "3" } },
    { name: "version 1", params: { version: 1 }, query: { version: "1" } },
    { name: "version 12", params: { version: 12 }, query: { version: "12" } },
    ...(["Runnable", "Suspended", "Complete", "Terminated"] as const).map((status) => ({
      name: `status ${status}`,
      params: { status },
      query: { status },
    })),
    {
      name: "startTimeFrom with 7 fractional digits",
      params: { startTimeFrom: "2021-06-30T03:20:39.3857479Z" },
      query: { startTimeFrom: "2021-06-30T03:20:39.3857479Z" },
    },
    {
      // An unencoded "+" would arrive as a space and be rejected: the client must send %2B.
      name: "startTimeFrom with a +02:00 offset",
      params: { startTimeFrom: "2021-06-30T05:00:00+02:00" },
      query: { startTimeFrom: "2021-06-30T05:00:00+02:00" },
    },
    {
      name: "startTimeTo as a Date",
      params: { startTimeTo: new Date("2021-06-30T23:59:59.999Z") },
      query: { startTimeTo: "2021-06-30T23:59:59.999Z" },
    },
    {
      name: "startTimeFrom and startTimeTo together",
      params: { startTimeFrom: "2021-06-30T00:00:00Z", startTimeTo: "2021-06-30T23:59:59.9999999Z" },
      query: { startTimeFrom: "2021-06-30T00:00:00Z", startTimeTo: "2021-06-30T23:59:59.9999999Z" },
    },
    {
      name: "every parameter at once",
      params: {
        limit: 50,
        offset: 2,
        version: 3,
        status: "Terminated",
        startTimeFrom: "2021-06-30T00:00:00-05:00",
        startTimeTo: "2021-07-01T00:00:00.1234567Z",
      },
      query: {
        limit: "50",
        offset: "2",
        version: "3",
        status: "Terminated",
        startTimeFrom: "2021-06-30T00:00:00-05:00",
        startTimeTo: "2021-07-01T00:00:00.1234567Z",
      },
    },
  ];

  it.each(cases)("$name", async ({ params, query, tooLong }) => {
    const { client, recorder } = mockClient(mock.url);
    const page = client.listWorkflowInstances({ ...ids, ...params });

    if (tooLong) await expect(page).rejects.toThrow(InvalidResponseError);
    else expect(await page).toEqual(instancesExample("twoInstances"));
    const sent = recorder.last();
    expect(sent.url.pathname).toBe(PATH);
    expect(Object.fromEntries(sent.url.searchParams)).toEqual(query);
    expect(sent.responseHeaders.get("sl-violations")).toBeNull();
  });

  it.each([
    { name: "an accountId with a space, a slash, ? and #", accountId: "acme corp/eu?x#y" },
    { name: "an upper-case definitionId", definitionId: definitionId.toUpperCase() },
  ])("path parameters: $name", async ({ name: _name, ...path }) => {
    const { client, recorder } = mockClient(mock.url);
    await expect(client.listWorkflowInstances({ ...ids, ...path })).resolves.toEqual(
      instancesExample("twoInstances"),
    );
    // One path segment each, percent-encoded: Prism routed it to the operation and validated it.
    expect(recorder.last().url.pathname).toMatch(
      /^\/api\/v1\/accounts\/[^/]+\/definitions\/[^/]+\/workflows$/,
    );
  });

  it("an unknown query parameter is accepted (the spec does not forbid them)", async () => {
    const response = await fetch(`${mock.url}${PATH}?foo=bar`, { headers: { authorization: "Bearer k" } });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  it("iterateWorkflowInstances walks until a short page", async () => {
    // Static examples repeat on every page, so the walk needs a page shorter than pageSize to stop:
    // runningInstance has one instance. (A full page of repeats ends in PaginationError.)
    const { client, recorder } = mockClient(mock.url);
    const all = [];
    for await (const instance of client.iterateWorkflowInstances(
      {
        ...ids,
        status: "Runnable",
        pageSize: 2,
      },
      { headers: { Prefer: prefer({ example: "runningInstance" }) } },
    )) {
      all.push(instance);
    }
    expect(all).toEqual(instancesExample("runningInstance"));
    expect(Object.fromEntries(recorder.last().url.searchParams)).toEqual({
      limit: "2",
      offset: "0",
      status: "Runnable",
    });
    expect(recorder.exchanges).toHaveLength(1);
  });
});

describe("invalid requests answer 400 in the spec's error shape (validate: false lets them through)", () => {
  const invalid = errorExample("400", "invalidDefinitionId");

  it.each([
    {
      name: "definitionId that is not a UUID",
      params: { definitionId: "not-a-uuid" },
      at: "request.path.definitionid",
    },
    { name: "limit=0", params: { limit: 0 }, at: "request.query.limit" },
    { name: "limit=501", params: { limit: 501 }, at: "request.query.limit" },
    { name: "limit=2.5", params: { limit: 2.5 }, at: "request.query.limit" },
    { name: "offset=-1", params: { offset: -1 }, at: "request.query.offset" },
    { name: "version=0", params: { version: 0 }, at: "request.query.version" },
    { name: "an unknown status", params: { status: "Done" }, at: "request.query.status" },
    {
      name: "startTimeFrom that is no date",
      params: { startTimeFrom: "yesterday" },
      at: "request.query.starttimefrom",
    },
    {
      name: "startTimeTo on 30 February",
      params: { startTimeTo: "2021-02-30T00:00:00Z" },
      at: "request.query.starttimeto",
    },
    {
      name: "startTimeTo with 8 fractional digits",
      params: { startTimeTo: "2021-06-30T00:00:00.12345678Z" },
      at: "request.query.starttimeto",
    },
    { name: "an empty accountId", params: { accountId: "" }, at: "request.path" },
  ])("$name", async ({ params, at }) => {
    const { client, recorder } = mockClient(mock.url, { validate: false });
    const error = await rejectionOf(
      client.listWorkflowInstances({ ...ids, ...params } as ListWorkflowInstancesInput),
    );

    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      code: 1000,
      errorId: invalid.errorId,
      timestamp: invalid.timestamp,
      serverMessage: invalid.message,
    });
    const answer = recorder.last();
    expect(answer.responseHeaders.get("content-type")).toBe("application/json");
    expect(errorViolations(JSON.parse(answer.body))).toEqual([]);
    // The body is the spec's one 400 example whatever the fault; sl-violations says what Prism rejected.
    expect(violationsOf(answer)).toContain(at);
  });

  it("also with the client's validation on, the server's answer matches what the client refuses", async () => {
    const { client, recorder } = mockClient(mock.url);
    await expect(client.listWorkflowInstances({ ...ids, limit: 0 })).rejects.toMatchObject({
      name: "InvalidParameterError",
      parameter: "limit",
    });
    expect(recorder.exchanges).toHaveLength(0);
  });
});

describe("security: Prism checks the spec's bearerAuth", () => {
  const unauthorized = errorExample("401", "unauthorized");

  it("a request without Authorization answers 401 with the spec's example (AuthenticationError)", async () => {
    const { client, recorder } = mockClient(mock.url, { wrap: withoutAuthorization });
    const error = await rejectionOf(client.listWorkflowInstances(ids));

    expect(recorder.last().requestHeaders.has("authorization")).toBe(false);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 1200, errorId: unauthorized.errorId });
  });

  it("a plain fetch without the header gets the same body", async () => {
    const response = await fetch(`${mock.url}${PATH}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(unauthorized);
  });

  it("a non-bearer scheme is refused too, any bearer key is accepted", async () => {
    const basic = await fetch(`${mock.url}${PATH}`, { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(basic.status).toBe(401);
    await basic.body?.cancel();
    const bearer = await fetch(`${mock.url}${PATH}`, { headers: { authorization: "Bearer anything" } });
    expect(bearer.status).toBe(200);
    await bearer.body?.cancel();
  });
});

describe("Prefer picks the response; each documented status maps to its client error", () => {
  it.each(["twoInstances", "runningInstance", "empty"] as const)("200 example=%s", async (example) => {
    const { client } = mockClient(mock.url);
    await expect(
      client.listWorkflowInstances(ids, { headers: { Prefer: prefer({ example }) } }),
    ).resolves.toEqual(instancesExample(example));
  });

  it.each([
    { code: 400, example: ["400", "invalidDefinitionId"], Class: BadRequestError },
    { code: 401, example: ["401", "unauthorized"], Class: AuthenticationError },
    { code: 403, example: ["403", "forbidden"], Class: PermissionDeniedError },
    { code: 404, example: ["404", "definitionNotFound"], Class: NotFoundError },
    { code: 429, example: ["429", "tooManyRequests"], Class: RateLimitError },
    { code: 500, example: ["5XX", "internalError"], Class: InternalServerError },
    { code: 503, example: ["5XX", "internalError"], Class: InternalServerError },
  ] as const)("Prefer: code=$code → $Class.name", async ({ code, example, Class }) => {
    const { client, recorder } = mockClient(mock.url, { maxRetries: 0 });
    const error = await rejectionOf(
      client.listWorkflowInstances(ids, { headers: { Prefer: prefer({ code }) } }),
    );
    const body = errorExample(example[0], example[1]);

    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({
      status: code,
      code: body.code,
      errorId: body.errorId,
      timestamp: body.timestamp,
      serverMessage: body.message,
    });
    expect(recorder.exchanges).toHaveLength(1);
  });

  it("429 carries the spec's Retry-After, surfaced as retryAfterMs", async () => {
    const { client, recorder } = mockClient(mock.url, { maxRetries: 0 });
    const error = await rejectionOf(
      client.listWorkflowInstances(ids, { headers: { Prefer: prefer({ code: 429 }) } }),
    );

    expect(recorder.last().responseHeaders.get("retry-after")).toBe(String(retryAfterExample));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(retryAfterExample * 1000);
  });

  it("a 5xx is retried against the mock (maxRetries: 1 → two requests)", async () => {
    const { client, recorder } = mockClient(mock.url, { maxRetries: 1 });
    await expect(
      client.listWorkflowInstances(ids, { headers: { Prefer: prefer({ code: 500 }) } }),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(recorder.exchanges.map((exchange) => exchange.status)).toEqual([500, 500]);
  });

  it("code and example together", async () => {
    const { client } = mockClient(mock.url);
    await expect(
      client.listWorkflowInstances(ids, {
        headers: { Prefer: prefer({ code: 404, example: "definitionNotFound" }) },
      }),
    ).rejects.toMatchObject({
      name: "NotFoundError",
      code: 1300,
    });
  });

  it("an invalid request wins over Prefer: code=404 (Prism validates first)", async () => {
    const { client } = mockClient(mock.url, { validate: false });
    await expect(
      client.listWorkflowInstances({ ...ids, limit: 0 }, { headers: { Prefer: prefer({ code: 404 }) } }),
    ).rejects.toMatchObject({
      status: 400,
      code: 1000,
    });
  });
});

describe("how Prefer reaches the wire through the client", () => {
  // The client's transport rebuilds each Request (new Headers + new Request) to add the key:
  // both ways below survive it, and the recorder sits after the transport, on the wire side.
  it("a per-call header: that call only, next to the key the transport adds", async () => {
    const { client, recorder } = mockClient(mock.url);
    const call = { headers: { Prefer: prefer({ code: 403 }) } };
    await expect(client.listWorkflowInstances(ids, call)).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(recorder.last().requestHeaders.get("prefer")).toBe("code=403");
    expect(recorder.last().requestHeaders.get("authorization")).toBe("Bearer mock-key");

    await expect(client.listWorkflowInstances(ids)).resolves.toEqual(instancesExample("twoInstances"));
    expect(recorder.last().requestHeaders.has("prefer")).toBe(false);
  });

  it("a custom fetch (the client's fetch option) sees the transport's final Request", async () => {
    const { client, recorder } = mockClient(mock.url, {
      wrap: (next) => (input, init) => {
        const request = new Request(input, init);
        request.headers.set("Prefer", prefer({ example: "runningInstance" }));
        return next(request);
      },
    });
    await expect(client.listWorkflowInstances(ids)).resolves.toEqual(instancesExample("runningInstance"));
    expect(recorder.last().requestHeaders.get("prefer")).toBe("example=runningInstance");
  });

  it("a hand-written middleware object works the same", async () => {
    const { client } = mockClient(mock.url);
    client.raw.use({
      onRequest({ request }) {
        request.headers.set("Prefer", "code=200, example=empty");
        return request;
      },
    });
    await expect(client.listWorkflowInstances(ids)).resolves.toEqual([]);
  });

  it("prefer() builds the header value and refuses what Prism would misread", () => {
    expect(prefer({ code: 404, example: "definitionNotFound" })).toBe("code=404, example=definitionNotFound");
    expect(prefer({ dynamic: true, seed: 42 })).toBe("dynamic=true, seed=42");
    expect(() => prefer({})).toThrow(TypeError);
    expect(() => prefer({ code: 4040 })).toThrow(RangeError);
    expect(() => prefer({ example: "two words" })).toThrow(TypeError);
  });
});

describe("where Prism answers application/problem+json (mock misuse, not API behaviour)", () => {
  async function plain(path: string, headers: Record<string, string> = {}, method = "GET") {
    const response = await fetch(`${mock.url}${path}`, {
      method,
      headers: { authorization: "Bearer k", ...headers },
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      body: await response.json(),
    };
  }

  it.each([
    {
      name: "Prefer: code= a status the spec does not define",
      path: PATH,
      prefer: "code=418",
      status: 404,
      type: "NOT_FOUND",
    },
    {
      name: "Prefer: example= an unknown example",
      path: PATH,
      prefer: "example=nope",
      status: 404,
      type: "NOT_FOUND",
    },
    { name: "a malformed Prefer", path: PATH, prefer: "code=abc", status: 422, type: "UNPROCESSABLE_ENTITY" },
    {
      name: "a path the spec does not have",
      path: "/api/v1/nope",
      prefer: undefined,
      status: 404,
      type: "NO_PATH_MATCHED_ERROR",
    },
    {
      name: "a method the spec does not have",
      path: PATH,
      method: "POST",
      status: 405,
      type: "NO_METHOD_MATCHED_ERROR",
    },
  ])("$name", async ({ path, prefer: value, method, status, type }) => {
    const answer = await plain(path, value ? { prefer: value } : {}, method);
    expect(answer).toMatchObject({
      status,
      type: "application/problem+json",
      body: { type: `https://stoplight.io/prism/errors#${type}`, status },
    });
  });

  it("the client surfaces it by status, with Prism's detail in bodyExcerpt and no code", async () => {
    const { client } = mockClient(mock.url);
    const error = await rejectionOf(
      client.listWorkflowInstances(ids, { headers: { Prefer: prefer({ code: 418 }) } }),
    );
    expect(error).toBeInstanceOf(WorkflowsApiError);
    expect(error).toMatchObject({ status: 404, code: undefined });
    expect((error as WorkflowsApiError).bodyExcerpt).toContain("Requested status code 418 is not defined");
  });
});
