import { STATUS_CODES } from "node:http";
import { generateInstances } from "@workflows-kit/provider";
import { json, rejectionOf, text } from "@workflows-kit/testing";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ErrorCode,
  InternalServerError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  WorkflowsApiError,
  WorkflowsError,
} from "../src/index.js";
import { apiKey, collect, ids, instance, serveList, setup } from "./support/fixtures.js";

const errorId = "2558ff83-c8db-4890-805e-ad64001857a1";

/** The fields an API error carries from the response's body and the request. */
const bodyFields = (error: WorkflowsApiError) => ({
  status: error.status,
  code: error.code,
  errorId: error.errorId,
  timestamp: error.timestamp,
  serverMessage: error.serverMessage,
  body: error.body,
  bodyExcerpt: error.bodyExcerpt,
  url: error.url,
});
// 7 fractional digits: must come back as the same string, not via Date.
const timestamp = "2021-07-13T01:28:37.6612345Z";

describe("documented error statuses", () => {
  // maxRetries 2: statuses that are retried reach the server 3 times, the others exactly once.
  it.each([
    { status: 400, code: 1000, message: "Invalid definition id.", Class: BadRequestError, requests: 1 },
    { status: 401, code: 1200, message: "Unauthorized.", Class: AuthenticationError, requests: 1 },
    { status: 403, code: 1201, message: "Forbidden.", Class: PermissionDeniedError, requests: 1 },
    {
      status: 404,
      code: 1300,
      message: "Definition 2aa9465e-dec7-4c3e-8fa6-bd168af9eaca not found.",
      Class: NotFoundError,
      requests: 1,
    },
    { status: 429, code: 1100, message: "Too many requests.", Class: RateLimitError, requests: 3 },
    { status: 500, code: 1, message: "Internal server error.", Class: InternalServerError, requests: 3 },
    { status: 502, code: 1, message: "Upstream failed.", Class: InternalServerError, requests: 3 },
    { status: 503, code: 1, message: "Try later.", Class: InternalServerError, requests: 3 },
    // Undocumented: the base class, not retried.
    { status: 418, code: 4242, message: "I'm a teapot.", Class: WorkflowsApiError, requests: 1 },
  ])("$status → $Class.name ($requests request(s))", async ({ status, code, message, Class, requests }) => {
    const body = { code, message, errorId, timestamp };
    const headers = { "x-request-id": "req-7", ...(status === 429 ? { "retry-after": "0" } : {}) };
    const { client, observed, run, url } = setup(() => json(body, status, headers), { maxRetries: 2 });
    const error = await rejectionOf(run(client.listWorkflowInstances({ ...ids, limit: 10 })));
    expect(error).toBeInstanceOf(WorkflowsApiError);
    expect(error).toBeInstanceOf(WorkflowsError);
    expect((error as object).constructor).toBe(Class);
    const apiError = error as WorkflowsApiError;
    expect(apiError.name).toBe(Class.name);
    expect({
      ...bodyFields(apiError),
      method: apiError.method,
      requestId: apiError.requestId,
      attempts: apiError.attempts,
      contentType: apiError.headers.get("content-type"),
    }).toEqual({
      status,
      code,
      errorId,
      timestamp,
      serverMessage: message,
      method: "GET",
      url: `${url}?limit=10`,
      body,
      bodyExcerpt: undefined,
      requestId: "req-7",
      attempts: requests,
      contentType: "application/json",
    });
    expect(apiError.message).toBe(
      `GET ${url}?limit=10 failed with ${status} ${STATUS_CODES[status]} (code ${code}, errorId ${errorId}: ${message})`,
    );
    expect(apiError.url).not.toContain(apiKey);
    if (apiError instanceof RateLimitError) expect(apiError.retryAfterMs).toBe(0);
    else expect("retryAfterMs" in apiError).toBe(false);
    expect(observed.requests).toHaveLength(requests);
  });

  it("ErrorCode names the documented codes, 1100 (the spec's 429 example) included", () => {
    expect(ErrorCode).toEqual({
      InvalidParameter: 1000,
      TooManyRequests: 1100,
      Unauthorized: 1200,
      Forbidden: 1201,
      NotFound: 1300,
    });
  });

  it.each([
    { headers: { "x-request-id": "a", "request-id": "b", "x-correlation-id": "c" }, requestId: "a" },
    { headers: { "request-id": "b", "x-correlation-id": "c" }, requestId: "b" },
    { headers: { "x-correlation-id": "c" }, requestId: "c" },
    { headers: {}, requestId: undefined },
  ])("requestId: $requestId from $headers", async ({ headers, requestId }) => {
    const { client } = setup(() => json({ code: 1300, message: "x", errorId, timestamp }, 404, headers));
    const error = (await rejectionOf(client.listWorkflowInstances(ids))) as NotFoundError;
    expect(error.requestId).toBe(requestId);
  });

  it("attempts is 0 when a middleware answered without a request", async () => {
    const { client, observed } = setup();
    client.raw.use({ onRequest: () => json({ code: 1201, message: "no", errorId, timestamp }, 403) });
    const error = (await rejectionOf(client.listWorkflowInstances(ids))) as PermissionDeniedError;
    expect([error.constructor, error.attempts, error.code]).toEqual([PermissionDeniedError, 0, 1201]);
    expect(observed.requests).toHaveLength(0);
  });
});

describe("error bodies that are not the spec's error shape", () => {
  const html = `<html>
  <head><title>502 Bad Gateway</title></head>
  <body>
    <center><h1>502 Bad Gateway</h1></center>
  </body>
</html>`;
  const htmlExcerpt =
    "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> </body> </html>";

  it.each([
    {
      name: "an HTML 502 page (after retries ran out)",
      status: 502,
      body: html,
      Class: InternalServerError,
      excerpt: htmlExcerpt,
      requests: 3,
    },
    {
      name: "an HTML page longer than 200 characters (cut, on one line)",
      status: 503,
      body: `<html>\n<body>${"x".repeat(300)}</body></html>`,
      Class: InternalServerError,
      excerpt: `<html> <body>${"x".repeat(187)}…`,
      requests: 3,
    },
    {
      name: "truncated JSON on a 404",
      status: 404,
      body: '{"code":1300,"message":"Definition 2aa9',
      Class: NotFoundError,
      excerpt: '{"code":1300,"message":"Definition 2aa9',
      requests: 1,
    },
    {
      name: "malformed JSON on a 500",
      status: 500,
      body: "{code: 1, message: 'boom'}",
      Class: InternalServerError,
      excerpt: "{code: 1, message: 'boom'}",
      requests: 3,
    },
    {
      name: "JSON of another shape on a 400",
      status: 400,
      body: '{"error":"bad"}',
      Class: BadRequestError,
      excerpt: '{"error":"bad"}',
      requests: 1,
    },
    {
      name: "JSON null on a 400",
      status: 400,
      body: "null",
      Class: BadRequestError,
      excerpt: "null",
      requests: 1,
    },
    {
      name: "an empty body on a 503",
      status: 503,
      body: "",
      Class: InternalServerError,
      excerpt: "",
      requests: 3,
    },
  ])(
    "$name → $Class.name with code undefined and bodyExcerpt",
    async ({ status, body, Class, excerpt, requests }) => {
      const { client, observed, run, url } = setup(
        () => text(body, status, { "content-type": "text/html" }),
        {
          maxRetries: 2,
        },
      );
      const error = await rejectionOf(run(client.listWorkflowInstances({ ...ids, limit: 10 })));
      expect(error).not.toBeInstanceOf(SyntaxError);
      expect((error as object).constructor).toBe(Class);
      const apiError = error as WorkflowsApiError;
      expect(bodyFields(apiError)).toEqual({
        status,
        code: undefined,
        errorId: undefined,
        timestamp: undefined,
        serverMessage: undefined,
        body: undefined,
        bodyExcerpt: excerpt,
        url: `${url}?limit=10`,
      });
      expect(apiError.message).toBe(
        `GET ${url}?limit=10 failed with ${status} ${STATUS_CODES[status]} (unexpected body: ${JSON.stringify(excerpt)})`,
      );
      expect(observed.requests).toHaveLength(requests);
    },
  );

  it("treats an empty body the same with and without Content-Length", async () => {
    const { client } = setup(() => new Response(null, { status: 503 }), { maxRetries: 0 });
    const error = (await rejectionOf(client.listWorkflowInstances(ids))) as WorkflowsApiError;
    expect(error.constructor).toBe(InternalServerError);
    expect(error.bodyExcerpt).toBe("");
  });

  it("a middleware's own error response is read as it is", async () => {
    const { client } = setup();
    client.raw.use({ onResponse: () => text("<html>maintenance</html>", 503) });
    const error = (await rejectionOf(
      client.listWorkflowInstances(ids, { maxRetries: 0 }),
    )) as WorkflowsApiError;
    expect([error.status, error.bodyExcerpt, error.attempts]).toEqual([503, "<html>maintenance</html>", 1]);
  });
});

describe("2xx bodies that are not a page", () => {
  it.each([
    { name: "malformed JSON", body: '[{"workflowId":"60dbe307', reason: "a body that is not JSON" },
    { name: "an empty body", body: "", reason: "a body that is not JSON" },
    { name: "a JSON object", body: '{"items":[]}', reason: "JSON that is not an array" },
    { name: "JSON null", body: "null", reason: "JSON that is not an array" },
    { name: "an array of non-instances", body: "[null,1]", reason: "items that are not workflow instances" },
  ])("$name → InvalidResponseError (never a SyntaxError), not retried", async ({ body, reason }) => {
    const { client, observed, url } = setup(() => text(body, 200, { "content-type": "application/json" }));
    const error = await rejectionOf(client.listWorkflowInstances({ ...ids, limit: 10 }));
    expect(error).not.toBeInstanceOf(SyntaxError);
    expect(error).toBeInstanceOf(WorkflowsError);
    expect((error as object).constructor).toBe(InvalidResponseError);
    const invalid = error as InvalidResponseError;
    expect({
      name: invalid.name,
      status: invalid.status,
      bodyExcerpt: invalid.bodyExcerpt,
      request: invalid.request,
    }).toEqual({
      name: "InvalidResponseError",
      status: 200,
      bodyExcerpt: body,
      request: { method: "GET", url: `${url}?limit=10` },
    });
    expect(invalid.message).toBe(`GET ${url}?limit=10 answered 200 with ${reason}: ${JSON.stringify(body)}`);
    expect(observed.requests).toHaveLength(1);
  });

  // List and walk treat it alike: a page never holds more than was asked for.
  it.each([
    { name: "a list with limit 1", call: "list", limit: 1, served: 2 },
    { name: "a list without limit (the spec's default, 100)", call: "list", limit: undefined, served: 101 },
    { name: "a walk with pageSize 1", call: "walk", limit: 1, served: 2 },
  ])(
    "a page with more items than asked for, in $name: InvalidResponseError",
    async ({ call, limit, served }) => {
      const page = Array.from({ length: served }, (_, i) => ({
        ...instance,
        workflowId: `${i}`.padStart(24, "0"),
      }));
      const { client } = setup(() => json(page));
      const request =
        call === "list"
          ? client.listWorkflowInstances({ ...ids, limit })
          : collect(client.iterateWorkflowInstances({ ...ids, pageSize: limit }));
      const error = (await rejectionOf(request)) as InvalidResponseError;
      expect(error.constructor).toBe(InvalidResponseError);
      expect(error.message).toContain(`answered 200 with ${served} items for limit ${limit ?? 100}`);
    },
  );

  it("a page of exactly `limit` items is fine, from the reference data", async () => {
    const list = serveList(generateInstances({ seed: 2, ...ids, count: 3, versions: 1 }));
    const { client } = setup(list.handler);
    expect(await client.listWorkflowInstances({ ...ids, limit: 3 })).toHaveLength(3);
  });
});
