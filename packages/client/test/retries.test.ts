import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  createWorkflowsClient,
  InternalServerError,
  RateLimitError,
  WorkflowsAbortError,
  type WorkflowsClientOptions,
  WorkflowsConnectionError,
  WorkflowsTimeoutError,
} from "../src/index.js";
import { fastRetries, ids, instance, PATH, rejectionOf, sendJson, serverPool } from "./support/fixtures.js";
import type { Handler } from "./support/server.js";

const serve = serverPool();
const apiKey = "test-key-123";
const apiError = (code: number, message: string) => ({
  code,
  message,
  errorId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
  timestamp: "2021-07-13T01:28:37.66Z",
});
const tooMany = (res: ServerResponse, retryAfter: string) =>
  sendJson(res, 429, apiError(1100, "Too many requests."), { "retry-after": retryAfter });
const unavailable = (res: ServerResponse) => sendJson(res, 503, apiError(1, "Try later."));
const resetNow = (req: IncomingMessage) => req.socket.destroy();
const resetMidBody = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
  res.write('[{"workflowId":"60dbe3');
  setTimeout(() => res.socket?.destroy(), 10);
};
const neverAnswer = () => {};
const stallMidBody = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
  res.write("[");
};

/** Answers with `first[i]` for request i, then 200 `[instance]`. */
function sequence(...first: Handler[]): Handler {
  let count = 0;
  return (req, res) => {
    const handler = first[count++];
    return handler ? handler(req, res) : sendJson(res, 200, [instance]);
  };
}

async function clientFor(handler: Handler, options: Partial<WorkflowsClientOptions> = {}) {
  const server = await serve(handler);
  const client = createWorkflowsClient({ apiKey, baseUrl: server.url, ...fastRetries, ...options });
  return { server, client, url: `${server.url}${PATH}` };
}

/** Milliseconds between the arrivals of consecutive requests. */
const gaps = (requests: { receivedAt: number }[]) =>
  requests.slice(1).map((r, i) => r.receivedAt - (requests[i]?.receivedAt ?? 0));

describe("retries", () => {
  it.each([
    { name: "429 (Retry-After: 0)", first: [(_: IncomingMessage, res: ServerResponse) => tooMany(res, "0")] },
    { name: "503", first: [(_: IncomingMessage, res: ServerResponse) => unavailable(res)] },
    { name: "a connection reset before answering", first: [resetNow] },
    { name: "a connection reset mid-body", first: [resetMidBody] },
    {
      name: "503, then 502, then 429",
      first: [
        (_: IncomingMessage, res: ServerResponse) => unavailable(res),
        (_: IncomingMessage, res: ServerResponse) => sendJson(res, 502, apiError(1, "Bad gateway.")),
        (_: IncomingMessage, res: ServerResponse) => tooMany(res, "0"),
      ],
    },
  ])("retries after $name and returns the page", async ({ first }) => {
    const { server, client } = await clientFor(sequence(...first), { maxRetries: 3 });
    expect(await client.listWorkflowInstances(ids)).toEqual([instance]);
    expect(server.requests).toHaveLength(first.length + 1);
    // Every attempt carries the key.
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(
      Array(first.length + 1).fill("Bearer test-key-123"),
    );
  });

  it.each([
    { maxRetries: 0, requests: 1 },
    { maxRetries: 1, requests: 2 },
    { maxRetries: 4, requests: 5 },
  ])(
    "a 5xx storm with maxRetries $maxRetries → InternalServerError after $requests request(s)",
    async ({ maxRetries, requests }) => {
      const { server, client } = await clientFor((_req, res) => unavailable(res), { maxRetries });
      const error = await rejectionOf(client.listWorkflowInstances(ids));
      expect(error).toBeInstanceOf(InternalServerError);
      expect((error as InternalServerError).status).toBe(503);
      expect(server.requests).toHaveLength(requests);
    },
  );

  it("defaults to 2 retries", async () => {
    const { server, client } = await clientFor((_req, res) => unavailable(res));
    expect(await rejectionOf(client.listWorkflowInstances(ids))).toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(3);
  });

  it("backs off between half and all of min(retryMaxDelayMs, retryBaseDelayMs·2ⁿ)", async () => {
    const { server, client } = await clientFor((_req, res) => unavailable(res), {
      maxRetries: 3,
      retryBaseDelayMs: 40,
      retryMaxDelayMs: 80,
    });
    await rejectionOf(client.listWorkflowInstances(ids));
    const waits = gaps(server.requests);
    expect(waits).toHaveLength(3);
    // Steps 40, 80, 80 (capped): each wait is at least half of its step (1 ms timer slack).
    for (const [i, min] of [20, 40, 40].entries()) expect(waits[i]).toBeGreaterThanOrEqual(min - 1);
  });

  it.each([
    { name: "destroyed before answering", handler: resetNow },
    { name: "headers and part of the body sent, then destroyed", handler: resetMidBody },
  ])("a connection $name is retried, then surfaces WorkflowsConnectionError", async ({ handler }) => {
    const { server, client, url } = await clientFor(handler, { maxRetries: 2 });
    const error = await rejectionOf(client.listWorkflowInstances(ids));
    // The connection error itself, not its timeout subclass.
    expect((error as object).constructor).toBe(WorkflowsConnectionError);
    const connection = error as WorkflowsConnectionError;
    expect({ name: connection.name, method: connection.method, url: connection.url }).toEqual({
      name: "WorkflowsConnectionError",
      method: "GET",
      url,
    });
    expect(connection.message.startsWith(`GET ${url}: `)).toBe(true);
    expect(connection.cause).toBeInstanceOf(Error);
    expect(server.requests).toHaveLength(3);
  });
});

describe("Retry-After", () => {
  it("in seconds is waited for", async () => {
    const { server, client } = await clientFor(sequence((_req, res) => tooMany(res, "1")));
    expect(await client.listWorkflowInstances(ids)).toEqual([instance]);
    expect(server.requests).toHaveLength(2);
    // Without Retry-After the backoff here is at most 5 ms. 5 ms of slack for timer rounding.
    expect(gaps(server.requests)[0]).toBeGreaterThanOrEqual(995);
  });

  it("as an HTTP date is waited for", async () => {
    let retryAt = 0;
    let expectedWait = 0;
    const { server, client } = await clientFor(
      sequence((_req, res) => {
        // HTTP dates have whole seconds: the next second but one, so the wait is 1-2 s.
        retryAt = (Math.floor(Date.now() / 1000) + 2) * 1000;
        expectedWait = retryAt - Date.now();
        tooMany(res, new Date(retryAt).toUTCString());
      }),
    );
    expect(await client.listWorkflowInstances(ids)).toEqual([instance]);
    expect(server.requests).toHaveLength(2);
    expect(expectedWait).toBeGreaterThan(1000);
    expect(gaps(server.requests)[0]).toBeGreaterThanOrEqual(expectedWait - 20);
  });

  it.each([
    { name: "in seconds", header: () => "120", retryAfterMs: [120_000, 120_000] },
    {
      name: "as an HTTP date",
      header: () => new Date((Math.floor(Date.now() / 1000) + 3600) * 1000).toUTCString(),
      retryAfterMs: [3_598_000, 3_600_000],
    },
  ])(
    "$name above maxRetryAfterMs is not waited for: RateLimitError at once",
    async ({ header, retryAfterMs }) => {
      const { server, client, url } = await clientFor((_req, res) => tooMany(res, header()), {
        maxRetries: 2,
        maxRetryAfterMs: 1000,
      });
      const started = performance.now();
      const error = await rejectionOf(client.listWorkflowInstances(ids));
      expect(performance.now() - started).toBeLessThan(500);
      expect((error as object).constructor).toBe(RateLimitError);
      const rateLimit = error as RateLimitError;
      expect({ status: rateLimit.status, code: rateLimit.code, url: rateLimit.url }).toEqual({
        status: 429,
        code: 1100,
        url,
      });
      expect(rateLimit.retryAfterMs).toBeGreaterThanOrEqual(retryAfterMs[0] ?? 0);
      expect(rateLimit.retryAfterMs).toBeLessThanOrEqual(retryAfterMs[1] ?? 0);
      expect(server.requests).toHaveLength(1);
    },
  );

  it("a 429 without Retry-After is retried with backoff, and retryAfterMs is undefined", async () => {
    const { server, client } = await clientFor(
      (_req, res) => sendJson(res, 429, apiError(1100, "Too many requests.")),
      { maxRetries: 1 },
    );
    const error = (await rejectionOf(client.listWorkflowInstances(ids))) as RateLimitError;
    expect(error.constructor).toBe(RateLimitError);
    expect(error.retryAfterMs).toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });
});

describe("abort", () => {
  it("a signal aborted before the call: WorkflowsAbortError, no request sent", async () => {
    const { server, client, url } = await clientFor((_req, res) => sendJson(res, 200, [instance]));
    const reason = new Error("caller gave up");
    const error = await rejectionOf(client.listWorkflowInstances(ids, { signal: AbortSignal.abort(reason) }));
    expect((error as object).constructor).toBe(WorkflowsAbortError);
    expect((error as WorkflowsAbortError).cause).toBe(reason);
    expect((error as WorkflowsAbortError).message).toBe(`GET ${url}: aborted by the caller`);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    { name: "while the server has not answered", handler: neverAnswer as Handler, options: {} },
    // On the last attempt too: an abort is never reported as a connection error.
    {
      name: "while the server has not answered (maxRetries 0)",
      handler: neverAnswer,
      options: { maxRetries: 0 },
    },
    { name: "while the body is still arriving", handler: stallMidBody, options: {} },
    {
      name: "while the body is still arriving (maxRetries 0)",
      handler: stallMidBody,
      options: { maxRetries: 0 },
    },
    {
      name: "during a Retry-After wait (429, Retry-After: 30)",
      handler: ((_req, res) => tooMany(res, "30")) as Handler,
      options: {},
    },
    {
      name: "during a backoff wait (503, 60 s step)",
      handler: ((_req, res) => unavailable(res)) as Handler,
      options: { retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 },
    },
  ])("a signal aborted $name: WorkflowsAbortError at once", async ({ handler, options }) => {
    const { server, client } = await clientFor(handler, { maxRetries: 2, ...options });
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    setTimeout(() => controller.abort(reason), 50);
    const started = performance.now();
    const error = await rejectionOf(client.listWorkflowInstances(ids, { signal: controller.signal }));
    const elapsed = performance.now() - started;
    expect((error as object).constructor).toBe(WorkflowsAbortError);
    expect((error as WorkflowsAbortError).cause).toBe(reason);
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });
});

describe("timeoutMs", () => {
  it.each([
    { name: "a server that never answers, maxRetries 0", handler: neverAnswer as Handler, maxRetries: 0 },
    { name: "a server that never answers, maxRetries 2", handler: neverAnswer as Handler, maxRetries: 2 },
    { name: "a body that stalls after the headers", handler: stallMidBody, maxRetries: 1 },
  ])("$name → WorkflowsTimeoutError after maxRetries+1 attempts", async ({ handler, maxRetries }) => {
    const { server, client, url } = await clientFor(handler, { timeoutMs: 100, maxRetries });
    const started = performance.now();
    const error = await rejectionOf(client.listWorkflowInstances(ids));
    const elapsed = performance.now() - started;
    expect((error as object).constructor).toBe(WorkflowsTimeoutError);
    expect(error).toBeInstanceOf(WorkflowsConnectionError);
    const timeout = error as WorkflowsTimeoutError;
    expect({
      name: timeout.name,
      timeoutMs: timeout.timeoutMs,
      url: timeout.url,
      message: timeout.message,
    }).toEqual({
      name: "WorkflowsTimeoutError",
      timeoutMs: 100,
      url,
      message: `GET ${url}: timed out after 100 ms`,
    });
    expect(server.requests).toHaveLength(maxRetries + 1);
    expect(elapsed).toBeGreaterThanOrEqual((maxRetries + 1) * 100 - 5);
  });

  it("a timed-out attempt is retried and the next answer is returned", async () => {
    const { server, client } = await clientFor(sequence(neverAnswer), { timeoutMs: 100, maxRetries: 1 });
    expect(await client.listWorkflowInstances(ids)).toEqual([instance]);
    expect(server.requests).toHaveLength(2);
  });
});
