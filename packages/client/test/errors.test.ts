import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  createWorkflowsClient,
  InternalServerError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  WorkflowsApiError,
  WorkflowsError,
} from "../src/index.js";
import { fastRetries, ids, PATH, rejectionOf, sendJson, sendText, serverPool } from "./support/fixtures.js";

const serve = serverPool();
const apiKey = "test-key-123";
const errorId = "2558ff83-c8db-4890-805e-ad64001857a1";
// 7 fractional digits: must come back as the same string, not via Date.
const timestamp = "2021-07-13T01:28:37.6612345Z";

async function clientFor(handler: Parameters<typeof serve>[0], options: { maxRetries?: number } = {}) {
  const server = await serve(handler);
  const client = createWorkflowsClient({ apiKey, baseUrl: server.url, ...fastRetries, ...options });
  return { server, client, url: `${server.url}${PATH}?limit=10` };
}

describe("documented error statuses", () => {
  // maxRetries 2: statuses that are retried reach the server 3 times, the others exactly once.
  it.each([
    {
      status: 400,
      statusText: "Bad Request",
      code: 1000,
      message: "Invalid definition id.",
      Class: BadRequestError,
      name: "BadRequestError",
      requests: 1,
    },
    {
      status: 401,
      statusText: "Unauthorized",
      code: 1200,
      message: "Unauthorized.",
      Class: AuthenticationError,
      name: "AuthenticationError",
      requests: 1,
    },
    {
      status: 403,
      statusText: "Forbidden",
      code: 1201,
      message: "Forbidden.",
      Class: PermissionDeniedError,
      name: "PermissionDeniedError",
      requests: 1,
    },
    {
      status: 404,
      statusText: "Not Found",
      code: 1300,
      message: "Definition 2aa9465e-dec7-4c3e-8fa6-bd168af9eaca not found.",
      Class: NotFoundError,
      name: "NotFoundError",
      requests: 1,
    },
    {
      status: 429,
      statusText: "Too Many Requests",
      code: 1100,
      message: "Too many requests.",
      Class: RateLimitError,
      name: "RateLimitError",
      requests: 3,
    },
    {
      status: 500,
      statusText: "Internal Server Error",
      code: 1,
      message: "Internal server error.",
      Class: InternalServerError,
      name: "InternalServerError",
      requests: 3,
    },
    {
      status: 502,
      statusText: "Bad Gateway",
      code: 1,
      message: "Upstream failed.",
      Class: InternalServerError,
      name: "InternalServerError",
      requests: 3,
    },
    {
      status: 503,
      statusText: "Service Unavailable",
      code: 1,
      message: "Try later.",
      Class: InternalServerError,
      name: "InternalServerError",
      requests: 3,
    },
    // Undocumented: the base class, not retried.
    {
      status: 418,
      statusText: "I'm a Teapot",
      code: 4242,
      message: "I'm a teapot.",
      Class: WorkflowsApiError,
      name: "WorkflowsApiError",
      requests: 1,
    },
  ])(
    "$status → $name ($requests request(s))",
    async ({ status, statusText, code, message, Class, name, requests }) => {
      const body = { code, message, errorId, timestamp };
      const { server, client, url } = await clientFor(
        (_req, res) => sendJson(res, status, body, status === 429 ? { "retry-after": "0" } : {}),
        { maxRetries: 2 },
      );
      const error = await rejectionOf(client.listWorkflowInstances({ ...ids, limit: 10 }));
      expect(error).toBeInstanceOf(WorkflowsApiError);
      expect(error).toBeInstanceOf(WorkflowsError);
      expect((error as object).constructor).toBe(Class);
      const apiError = error as WorkflowsApiError;
      expect(apiError.name).toBe(name);
      expect({
        status: apiError.status,
        code: apiError.code,
        errorId: apiError.errorId,
        timestamp: apiError.timestamp,
        serverMessage: apiError.serverMessage,
        method: apiError.method,
        url: apiError.url,
        body: apiError.body,
        bodyExcerpt: apiError.bodyExcerpt,
      }).toEqual({
        status,
        code,
        errorId,
        timestamp,
        serverMessage: message,
        method: "GET",
        url,
        body,
        bodyExcerpt: undefined,
      });
      expect(apiError.message).toBe(
        `GET ${url} failed with ${status} ${statusText} (code ${code}, errorId ${errorId}: ${message})`,
      );
      expect(apiError.url).not.toContain(apiKey);
      if (apiError instanceof RateLimitError) expect(apiError.retryAfterMs).toBe(0);
      else expect("retryAfterMs" in apiError).toBe(false);
      expect(server.requests).toHaveLength(requests);
    },
  );
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
      statusText: "Bad Gateway",
      body: html,
      Class: InternalServerError,
      excerpt: htmlExcerpt,
      requests: 3,
    },
    {
      name: "an HTML page longer than 200 characters (cut, on one line)",
      status: 503,
      statusText: "Service Unavailable",
      body: `<html>\n<body>${"x".repeat(300)}</body></html>`,
      Class: InternalServerError,
      excerpt: `<html> <body>${"x".repeat(187)}…`,
      requests: 3,
    },
    {
      name: "truncated JSON on a 404",
      status: 404,
      statusText: "Not Found",
      body: '{"code":1300,"message":"Definition 2aa9',
      Class: NotFoundError,
      excerpt: '{"code":1300,"message":"Definition 2aa9',
      requests: 1,
    },
    {
      name: "malformed JSON on a 500",
      status: 500,
      statusText: "Internal Server Error",
      body: "{code: 1, message: 'boom'}",
      Class: InternalServerError,
      excerpt: "{code: 1, message: 'boom'}",
      requests: 3,
    },
    {
      name: "JSON of another shape on a 400",
      status: 400,
      statusText: "Bad Request",
      body: '{"error":"bad"}',
      Class: BadRequestError,
      excerpt: '{"error":"bad"}',
      requests: 1,
    },
    {
      name: "an empty body on a 503",
      status: 503,
      statusText: "Service Unavailable",
      body: "",
      Class: InternalServerError,
      excerpt: "",
      requests: 3,
    },
  ])(
    "$name → $Class.name with code undefined and bodyExcerpt",
    async ({ status, statusText, body, Class, excerpt, requests }) => {
      const { server, client, url } = await clientFor(
        (_req, res) => sendText(res, status, body, { "content-type": "text/html" }),
        { maxRetries: 2 },
      );
      const error = await rejectionOf(client.listWorkflowInstances({ ...ids, limit: 10 }));
      expect(error).not.toBeInstanceOf(SyntaxError);
      expect((error as object).constructor).toBe(Class);
      const apiError = error as WorkflowsApiError;
      expect({
        status: apiError.status,
        code: apiError.code,
        errorId: apiError.errorId,
        timestamp: apiError.timestamp,
        serverMessage: apiError.serverMessage,
        body: apiError.body,
        bodyExcerpt: apiError.bodyExcerpt,
        url: apiError.url,
      }).toEqual({
        status,
        code: undefined,
        errorId: undefined,
        timestamp: undefined,
        serverMessage: undefined,
        body: undefined,
        bodyExcerpt: excerpt,
        url,
      });
      expect(apiError.message).toBe(
        `GET ${url} failed with ${status} ${statusText} (unexpected body: ${JSON.stringify(excerpt)})`,
      );
      expect(server.requests).toHaveLength(requests);
    },
  );

  it("treats an empty body the same with and without Content-Length", async () => {
    const { client } = await clientFor(
      (_req, res) => {
        res.writeHead(503); // chunked, no Content-Length
        res.end();
      },
      { maxRetries: 0 },
    );
    const error = (await rejectionOf(client.listWorkflowInstances(ids))) as WorkflowsApiError;
    expect(error.constructor).toBe(InternalServerError);
    expect(error.bodyExcerpt).toBe("");
  });
});

describe("2xx bodies that are not a JSON array", () => {
  it.each([
    { name: "malformed JSON", body: '[{"workflowId":"60dbe307', reason: "a body that is not JSON" },
    { name: "an empty body", body: "", reason: "a body that is not JSON" },
    { name: "a JSON object", body: '{"items":[]}', reason: "JSON that is not an array" },
    { name: "JSON null", body: "null", reason: "JSON that is not an array" },
  ])("$name → InvalidResponseError (never a SyntaxError), not retried", async ({ body, reason }) => {
    const { server, client, url } = await clientFor((_req, res) =>
      sendText(res, 200, body, { "content-type": "application/json" }),
    );
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
      request: { method: "GET", url },
    });
    expect(invalid.message).toBe(`GET ${url} answered 200 with ${reason}: ${JSON.stringify(body)}`);
    expect(server.requests).toHaveLength(1);
  });
});
