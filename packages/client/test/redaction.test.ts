import type { ServerResponse } from "node:http";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  createWorkflowsClient,
  InternalServerError,
  InvalidParameterError,
  InvalidResponseError,
  type ListWorkflowInstancesInput,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  WorkflowsAbortError,
  WorkflowsApiError,
  type WorkflowsClient,
  type WorkflowsClientOptions,
  WorkflowsConnectionError,
  WorkflowsTimeoutError,
} from "../src/index.js";
import { fastRetries, ids, rejectionOf, sendJson, sendText, serverPool } from "./support/fixtures.js";
import type { Handler } from "./support/server.js";

const serve = serverPool();
const apiKey = "sk-test-SECRET-123";

const deep = (value: unknown) => inspect(value, { depth: 10, showHidden: true });
const apiError = (res: ServerResponse, status: number, code: number, headers: Record<string, string> = {}) =>
  sendJson(
    res,
    status,
    {
      code,
      message: "Nope.",
      errorId: "2558ff83-c8db-4890-805e-ad64001857a1",
      timestamp: "2021-07-13T01:28:37.66Z",
    },
    headers,
  );

/** Every rendering of an error someone might log. */
function renderings(error: unknown): Record<string, string> {
  const e = error as Error;
  return {
    message: e.message,
    stack: String(e.stack),
    inspect: deep(e),
    json: JSON.stringify(e),
    string: String(e),
    cause: String(e.cause),
    inspectCause: deep(e.cause),
  };
}

type Case = {
  Class: abstract new (...args: never[]) => Error;
  handler?: Handler;
  options?: Partial<WorkflowsClientOptions>;
  params?: Record<string, unknown>;
  signal?: () => AbortSignal;
};

describe(`the API key never appears in an error`, () => {
  it.each<[string, Case]>([
    ["BadRequestError", { Class: BadRequestError, handler: (_q, res) => apiError(res, 400, 1000) }],
    ["AuthenticationError", { Class: AuthenticationError, handler: (_q, res) => apiError(res, 401, 1200) }],
    [
      "PermissionDeniedError",
      { Class: PermissionDeniedError, handler: (_q, res) => apiError(res, 403, 1201) },
    ],
    ["NotFoundError", { Class: NotFoundError, handler: (_q, res) => apiError(res, 404, 1300) }],
    [
      "RateLimitError",
      { Class: RateLimitError, handler: (_q, res) => apiError(res, 429, 1100, { "retry-after": "0" }) },
    ],
    ["InternalServerError", { Class: InternalServerError, handler: (_q, res) => apiError(res, 500, 1) }],
    [
      "InternalServerError (HTML body)",
      { Class: InternalServerError, handler: (_q, res) => sendText(res, 502, "<html>Bad Gateway</html>") },
    ],
    ["WorkflowsApiError (418)", { Class: WorkflowsApiError, handler: (_q, res) => apiError(res, 418, 9) }],
    ["WorkflowsConnectionError", { Class: WorkflowsConnectionError, handler: (req) => req.socket.destroy() }],
    [
      "WorkflowsConnectionError (mid-body)",
      {
        Class: WorkflowsConnectionError,
        handler: (_q, res) => {
          res.writeHead(200, { "content-length": "100" });
          res.write("[");
          setTimeout(() => res.socket?.destroy(), 10);
        },
      },
    ],
    [
      "WorkflowsTimeoutError",
      { Class: WorkflowsTimeoutError, handler: () => {}, options: { timeoutMs: 50 } },
    ],
    [
      "WorkflowsAbortError (default reason)",
      { Class: WorkflowsAbortError, handler: () => {}, signal: () => AbortSignal.timeout(50) },
    ],
    [
      "WorkflowsAbortError (before the call)",
      { Class: WorkflowsAbortError, signal: () => AbortSignal.abort() },
    ],
    [
      "InvalidResponseError",
      { Class: InvalidResponseError, handler: (_q, res) => sendText(res, 200, "{not json") },
    ],
    ["InvalidParameterError", { Class: InvalidParameterError, params: { limit: 0 } }],
    ["InvalidParameterError (definitionId)", { Class: InvalidParameterError, params: { definitionId: "x" } }],
  ])("%s", async (_name, { Class, handler, options, params, signal }) => {
    const server = await serve(handler ?? ((_q, res) => sendJson(res, 200, [])));
    const client = createWorkflowsClient({
      apiKey,
      baseUrl: server.url,
      maxRetries: 1,
      ...fastRetries,
      ...options,
    });
    const error = await rejectionOf(
      client.listWorkflowInstances(
        { ...ids, ...params } as ListWorkflowInstancesInput,
        signal ? { signal: signal() } : {},
      ),
    );
    expect((error as object).constructor).toBe(Class);
    // If the handler ran, the key did reach the server (so this is not vacuous).
    if (server.requests.length > 0)
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    const rendered = renderings(error);
    expect(rendered.inspect).toContain((error as Error).name); // it did render the error
    for (const [where, text] of Object.entries(rendered)) {
      expect({ where, leaked: text.includes("SECRET") }).toEqual({ where, leaked: false });
    }
  });

  it("nor in util.inspect of the client", () => {
    const client: WorkflowsClient = createWorkflowsClient({ apiKey, baseUrl: "http://127.0.0.1:9" });
    const text = deep(client);
    expect(text).toContain("listWorkflowInstances"); // it did render the client
    expect(text).not.toContain("SECRET");
    expect(JSON.stringify(client)).not.toContain("SECRET");
  });
});
