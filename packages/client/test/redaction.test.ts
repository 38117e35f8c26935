import { inspect } from "node:util";
import {
  apiError,
  cutOffBody,
  type FetchHandler,
  hang,
  json,
  networkError,
  rejectionOf,
  text,
} from "@workflows-kit/testing";
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
import { ids, setup } from "./support/fixtures.js";

const apiKey = "sk-test-SECRET-123";
const deep = (value: unknown) => inspect(value, { depth: 10, showHidden: true });

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
  handler?: FetchHandler;
  options?: Partial<WorkflowsClientOptions>;
  params?: Record<string, unknown>;
  /** Aborts the call; `sent` resolves once the request went out. */
  abort?: (sent: Promise<Request>) => AbortSignal;
};

const abortWhenSent = (sent: Promise<Request>) => {
  const controller = new AbortController();
  void sent.then(() => controller.abort());
  return controller.signal;
};

describe("the API key never appears in an error", () => {
  it.each<[string, Case]>([
    ["BadRequestError", { Class: BadRequestError, handler: () => apiError(400, 1000) }],
    ["AuthenticationError", { Class: AuthenticationError, handler: () => apiError(401, 1200) }],
    ["PermissionDeniedError", { Class: PermissionDeniedError, handler: () => apiError(403, 1201) }],
    ["NotFoundError", { Class: NotFoundError, handler: () => apiError(404, 1300) }],
    ["RateLimitError", { Class: RateLimitError, handler: () => apiError(429, 1100, { "retry-after": "0" }) }],
    ["InternalServerError", { Class: InternalServerError, handler: () => apiError(500, 1) }],
    [
      "InternalServerError (HTML body)",
      { Class: InternalServerError, handler: () => text("<html>Bad Gateway</html>", 502) },
    ],
    ["WorkflowsApiError (418)", { Class: WorkflowsApiError, handler: () => apiError(418, 9) }],
    ["WorkflowsConnectionError", { Class: WorkflowsConnectionError, handler: () => networkError() }],
    [
      "WorkflowsConnectionError (mid-body)",
      { Class: WorkflowsConnectionError, handler: () => cutOffBody("[") },
    ],
    ["WorkflowsTimeoutError", { Class: WorkflowsTimeoutError, handler: hang, options: { timeoutMs: 50 } }],
    [
      "WorkflowsAbortError (while waiting)",
      { Class: WorkflowsAbortError, handler: hang, abort: abortWhenSent },
    ],
    [
      "WorkflowsAbortError (before the call)",
      { Class: WorkflowsAbortError, abort: () => AbortSignal.abort() },
    ],
    ["InvalidResponseError", { Class: InvalidResponseError, handler: () => text("{not json") }],
    ["InvalidParameterError", { Class: InvalidParameterError, params: { limit: 0 } }],
    ["InvalidParameterError (definitionId)", { Class: InvalidParameterError, params: { definitionId: "x" } }],
  ])("%s", async (_name, { Class, handler, options, params, abort }) => {
    const { client, observed, run } = setup(handler ?? (() => json([])), {
      apiKey,
      maxRetries: 1,
      ...options,
    });
    const call = client.listWorkflowInstances(
      { ...ids, ...params } as ListWorkflowInstancesInput,
      abort ? { signal: abort(observed.received(0)) } : {},
    );
    const error = await rejectionOf(run(call));
    expect((error as object).constructor).toBe(Class);
    // If a request went out, the key was on it (so its absence below means something).
    if (observed.requests.length > 0)
      expect(observed.requests[0]?.headers.get("authorization")).toBe(`Bearer ${apiKey}`);
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
