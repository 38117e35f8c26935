// Retries, Retry-After, timeouts and cancellation on an observed fetch and a virtual clock: every
// wait is asserted exactly (the timers the client set), never measured; aborts happen on events.
import {
  apiError,
  cutOffBody,
  type FetchHandler,
  hang,
  inOrder,
  json,
  networkError,
  rejectionOf,
  stalledBody,
} from "@workflows-kit/testing";
import { describe, expect, it } from "vitest";
import {
  InternalServerError,
  RateLimitError,
  WorkflowsAbortError,
  WorkflowsConnectionError,
  WorkflowsTimeoutError,
} from "../src/index.js";
import { ids, instance, okHandler, setup, waits } from "./support/fixtures.js";

/** Small backoff steps: 2, 4, 8, 10, 10 … ms (waits of half that with the fixed jitter). */
const fastRetries = { retryBaseDelayMs: 2, retryMaxDelayMs: 10 } as const;
const tooMany = (retryAfter?: string) => () =>
  apiError(429, 1100, retryAfter === undefined ? {} : { "retry-after": retryAfter });
const unavailable = () => apiError(503, 1);

describe("retries", () => {
  it.each<{ name: string; first: FetchHandler[] }>([
    { name: "429 (Retry-After: 0)", first: [tooMany("0")] },
    { name: "503", first: [unavailable] },
    { name: "a connection reset before answering", first: [() => networkError("ECONNRESET")] },
    { name: "a connection reset mid-body", first: [() => cutOffBody('[{"workflowId":"60dbe3')] },
    { name: "503, then 502, then 429", first: [unavailable, () => apiError(502, 1), tooMany("0")] },
  ])("retries after $name and returns the page", async ({ first }) => {
    const { client, observed, run } = setup(inOrder(...first, okHandler), { ...fastRetries, maxRetries: 3 });
    expect(await run(client.listWorkflowInstances(ids))).toEqual([instance]);
    expect(observed.requests).toHaveLength(first.length + 1);
    // Every attempt carries the key.
    expect(observed.requests.map((r) => r.headers.get("authorization"))).toEqual(
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
      const { client, observed, run } = setup(unavailable, { ...fastRetries, maxRetries });
      const error = (await rejectionOf(run(client.listWorkflowInstances(ids)))) as InternalServerError;
      expect(error).toBeInstanceOf(InternalServerError);
      expect({ status: error.status, attempts: error.attempts }).toEqual({ status: 503, attempts: requests });
      expect(observed.requests).toHaveLength(requests);
    },
  );

  it("defaults to 2 retries with backoff steps of 500 and 1 000 ms", async () => {
    const { client, observed, clock, run } = setup(unavailable);
    expect(await rejectionOf(run(client.listWorkflowInstances(ids)))).toBeInstanceOf(InternalServerError);
    expect(observed.requests).toHaveLength(3);
    expect(waits(clock)).toEqual([250, 500]);
  });

  it.each([
    { jitter: 0, waits: [20, 40, 40] },
    { jitter: 0.5, waits: [30, 60, 60] },
    { jitter: 0.75, waits: [35, 70, 70] },
  ])(
    "backs off between half and all of min(retryMaxDelayMs, retryBaseDelayMs·2ⁿ): random() = $jitter",
    async ({ jitter, waits: expected }) => {
      const { client, clock, run } = setup(unavailable, {
        maxRetries: 3,
        retryBaseDelayMs: 40,
        retryMaxDelayMs: 80,
        random: () => jitter,
      });
      const started = clock.now();
      await rejectionOf(run(client.listWorkflowInstances(ids)));
      expect(waits(clock)).toEqual(expected);
      expect(clock.now() - started).toBeCloseTo(
        expected.reduce((a, b) => a + b),
        6,
      );
    },
  );

  it("every attempt gets its own timeout, cleared once it has the body: no timer is left", async () => {
    const { client, clock, run } = setup(inOrder(unavailable, okHandler), { timeoutMs: 7_000 });
    await run(client.listWorkflowInstances(ids));
    expect(clock.timers.map((t) => [t.ms, t.state])).toEqual([
      [7_000, "cleared"],
      [250, "fired"],
      [7_000, "cleared"],
    ]);
    expect(clock.pending()).toEqual([]);
  });

  it.each([
    { name: "destroyed before answering", handler: () => networkError("ECONNRESET") },
    { name: "headers and part of the body sent, then destroyed", handler: () => cutOffBody("[") },
  ])("a connection $name is retried, then surfaces WorkflowsConnectionError", async ({ handler }) => {
    const { client, observed, run, url } = setup(handler, { ...fastRetries, maxRetries: 2 });
    const error = await rejectionOf(run(client.listWorkflowInstances(ids)));
    // The connection error itself, not its timeout subclass.
    expect((error as object).constructor).toBe(WorkflowsConnectionError);
    const connection = error as WorkflowsConnectionError;
    expect({
      name: connection.name,
      method: connection.method,
      url: connection.url,
      attempts: connection.attempts,
    }).toEqual({ name: "WorkflowsConnectionError", method: "GET", url, attempts: 3 });
    expect(connection.message.startsWith(`GET ${url}: `)).toBe(true);
    expect(connection.cause).toBeInstanceOf(Error);
    expect(observed.requests).toHaveLength(3);
  });

  it("names the network failure's code in the message", async () => {
    const { client, run, url } = setup(() => networkError("ECONNREFUSED"), { maxRetries: 0 });
    const error = (await rejectionOf(run(client.listWorkflowInstances(ids)))) as WorkflowsConnectionError;
    expect(error.message).toBe(`GET ${url}: fetch failed (ECONNREFUSED)`);
  });

  it("per call: maxRetries overrides the client's for that call only", async () => {
    const { client, observed, run } = setup(unavailable, { ...fastRetries, maxRetries: 2 });
    await rejectionOf(run(client.listWorkflowInstances(ids, { maxRetries: 0 })));
    expect(observed.requests).toHaveLength(1);
    await rejectionOf(run(client.listWorkflowInstances(ids, { maxRetries: 4 })));
    expect(observed.requests).toHaveLength(1 + 5);
    await rejectionOf(run(client.listWorkflowInstances(ids)));
    expect(observed.requests).toHaveLength(1 + 5 + 3);
  });
});

describe("Retry-After", () => {
  it("in seconds is waited for, instead of the backoff", async () => {
    const { client, observed, clock, run } = setup(inOrder(tooMany("1"), okHandler));
    const started = clock.now();
    expect(await run(client.listWorkflowInstances(ids))).toEqual([instance]);
    expect(observed.requests).toHaveLength(2);
    expect(waits(clock)).toEqual([1_000]);
    expect(clock.now() - started).toBe(1_000);
  });

  it.each([
    { name: "2 s ahead: waited for exactly", ahead: 2_000, wait: 2_000 },
    { name: "in the past: retried at once", ahead: -3_600_000, wait: 0 },
  ])("as an HTTP date $name (on the client's clock)", async ({ ahead, wait }) => {
    const { client, observed, clock, run } = setup(
      inOrder(
        () => apiError(429, 1100, { "retry-after": new Date(clock.now() + ahead).toUTCString() }),
        okHandler,
      ),
    );
    expect(await run(client.listWorkflowInstances(ids))).toEqual([instance]);
    expect(observed.requests).toHaveLength(2);
    expect(waits(clock)).toEqual([wait]);
  });

  it.each([
    { name: "in seconds", header: () => "120", retryAfterMs: 120_000 },
    {
      name: "as an HTTP date",
      header: (now: number) => new Date(now + 3_600_000).toUTCString(),
      retryAfterMs: 3_600_000,
    },
  ])(
    "$name above maxRetryAfterMs is not waited for: RateLimitError at once, retryAfterExceeded",
    async ({ header, retryAfterMs }) => {
      const { client, observed, clock, run, url } = setup(
        () => apiError(429, 1100, { "retry-after": header(clock.now()) }),
        { maxRetries: 2, maxRetryAfterMs: 1_000 },
      );
      const started = clock.now();
      const error = await rejectionOf(run(client.listWorkflowInstances(ids)));
      expect((error as object).constructor).toBe(RateLimitError);
      const rateLimit = error as RateLimitError;
      expect({
        status: rateLimit.status,
        code: rateLimit.code,
        url: rateLimit.url,
        retryAfterMs: rateLimit.retryAfterMs,
        retryAfterExceeded: rateLimit.retryAfterExceeded,
        attempts: rateLimit.attempts,
      }).toEqual({ status: 429, code: 1100, url, retryAfterMs, retryAfterExceeded: true, attempts: 1 });
      expect(observed.requests).toHaveLength(1);
      expect(clock.now()).toBe(started);
    },
  );

  it("retries that ran out: retryAfterExceeded false, attempts counted", async () => {
    const { client, run } = setup(tooMany("0"), { maxRetries: 2 });
    const error = (await rejectionOf(run(client.listWorkflowInstances(ids)))) as RateLimitError;
    expect([error.retryAfterMs, error.retryAfterExceeded, error.attempts]).toEqual([0, false, 3]);
  });

  it("no retry allowed (maxRetries 0): retryAfterExceeded false even for a long Retry-After", async () => {
    const { client, run } = setup(tooMany("120"), { maxRetries: 0, maxRetryAfterMs: 1_000 });
    const error = (await rejectionOf(run(client.listWorkflowInstances(ids)))) as RateLimitError;
    expect([error.retryAfterMs, error.retryAfterExceeded, error.attempts]).toEqual([120_000, false, 1]);
  });

  it("a 429 without Retry-After is retried with backoff, and retryAfterMs is undefined", async () => {
    const { client, observed, clock, run } = setup(tooMany(), { maxRetries: 1 });
    const error = (await rejectionOf(run(client.listWorkflowInstances(ids)))) as RateLimitError;
    expect(error.constructor).toBe(RateLimitError);
    expect(error.retryAfterMs).toBeUndefined();
    expect(observed.requests).toHaveLength(2);
    expect(waits(clock)).toEqual([250]);
  });

  it("a 503 with Retry-After is retried after it", async () => {
    const { client, clock, run } = setup(inOrder(() => apiError(503, 1, { "retry-after": "3" }), okHandler));
    await run(client.listWorkflowInstances(ids));
    expect(waits(clock)).toEqual([3_000]);
  });
});

describe("abort", () => {
  it("a signal aborted before the call: WorkflowsAbortError, no request sent", async () => {
    const { client, observed, url } = setup();
    const reason = new Error("caller gave up");
    const error = await rejectionOf(client.listWorkflowInstances(ids, { signal: AbortSignal.abort(reason) }));
    expect((error as object).constructor).toBe(WorkflowsAbortError);
    expect((error as WorkflowsAbortError).cause).toBe(reason);
    expect((error as WorkflowsAbortError).message).toBe(`GET ${url}: aborted by the caller`);
    expect(observed.requests).toHaveLength(0);
  });

  /** Calls with `signal`, aborts once `when` resolves, and returns the error and the clock's pending timers. */
  async function abortOn(
    handler: FetchHandler,
    options: Parameters<typeof setup>[1],
    when: (context: ReturnType<typeof setup>) => Promise<unknown>,
  ) {
    const context = setup(handler, options);
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const call = rejectionOf(context.client.listWorkflowInstances(ids, { signal: controller.signal }));
    await when(context);
    controller.abort(reason);
    const error = (await call) as WorkflowsAbortError;
    expect((error as object).constructor).toBe(WorkflowsAbortError);
    expect(error.cause).toBe(reason);
    // Nothing left running: the attempt's timeout and any backoff timer are cleared.
    expect(context.clock.pending()).toEqual([]);
    return context;
  }

  it.each([{ maxRetries: 2 }, { maxRetries: 0 }])(
    "a signal aborted once the request was sent, before an answer (maxRetries $maxRetries): WorkflowsAbortError, never a connection error",
    async ({ maxRetries }) => {
      const { observed } = await abortOn(hang, { maxRetries }, ({ observed }) => observed.received(0));
      expect(observed.requests).toHaveLength(1);
      expect(observed.requests[0]?.signal.aborted).toBe(true);
    },
  );

  it.each([{ maxRetries: 2 }, { maxRetries: 0 }])(
    "a signal aborted while the body is still arriving (maxRetries $maxRetries): WorkflowsAbortError",
    async ({ maxRetries }) => {
      let reading: () => void = () => {};
      const read = new Promise<void>((resolve) => {
        reading = resolve;
      });
      const { observed } = await abortOn(
        () => stalledBody('[{"workflowId":', { onRead: reading }),
        { maxRetries },
        () => read,
      );
      expect(observed.requests).toHaveLength(1);
    },
  );

  it("a signal aborted during a Retry-After wait (429, Retry-After: 30): WorkflowsAbortError, the wait cleared", async () => {
    const { observed } = await abortOn(tooMany("30"), { timeoutMs: 5_000 }, ({ clock }) =>
      clock.timerSet((t) => t.ms === 30_000),
    );
    expect(observed.requests).toHaveLength(1);
  });

  it("a signal aborted during a backoff wait (503, 60 s step): WorkflowsAbortError, the wait cleared", async () => {
    const { observed, clock } = await abortOn(
      unavailable,
      { retryBaseDelayMs: 120_000, retryMaxDelayMs: 120_000 },
      ({ clock }) => clock.timerSet((t) => t.ms === 60_000),
    );
    expect(observed.requests).toHaveLength(1);
    expect(clock.timers.filter((t) => t.ms === 60_000).map((t) => t.state)).toEqual(["cleared"]);
  });
});

describe("timeoutMs", () => {
  it.each([
    { name: "a server that never answers, maxRetries 0", handler: hang, maxRetries: 0 },
    { name: "a server that never answers, maxRetries 2", handler: hang, maxRetries: 2 },
    { name: "a body that stalls after the headers", handler: () => stalledBody("["), maxRetries: 1 },
  ])("$name → WorkflowsTimeoutError after maxRetries+1 attempts", async ({ handler, maxRetries }) => {
    const { client, observed, clock, run, url } = setup(handler, {
      timeoutMs: 100,
      maxRetries,
      ...fastRetries,
    });
    const started = clock.now();
    const error = await rejectionOf(run(client.listWorkflowInstances(ids)));
    expect((error as object).constructor).toBe(WorkflowsTimeoutError);
    expect(error).toBeInstanceOf(WorkflowsConnectionError);
    const timeout = error as WorkflowsTimeoutError;
    expect({
      name: timeout.name,
      timeoutMs: timeout.timeoutMs,
      url: timeout.url,
      message: timeout.message,
      attempts: timeout.attempts,
    }).toEqual({
      name: "WorkflowsTimeoutError",
      timeoutMs: 100,
      url,
      message: `GET ${url}: timed out after 100 ms`,
      attempts: maxRetries + 1,
    });
    expect(observed.requests).toHaveLength(maxRetries + 1);
    // Every attempt ran its full 100 ms, plus the backoff waits (1, 2 ms) between them.
    const backoff = [1, 2].slice(0, maxRetries).reduce((a, b) => a + b, 0);
    expect(clock.now() - started).toBe((maxRetries + 1) * 100 + backoff);
    // The stalled attempts were aborted.
    expect(observed.requests.every((r) => r.signal.aborted)).toBe(true);
  });

  it("a timed-out attempt is retried and the next answer is returned", async () => {
    const { client, observed, run } = setup(inOrder(hang, okHandler), { timeoutMs: 100, maxRetries: 1 });
    expect(await run(client.listWorkflowInstances(ids))).toEqual([instance]);
    expect(observed.requests).toHaveLength(2);
  });

  it("per call: timeoutMs overrides the client's for that call only", async () => {
    const { client, clock, run } = setup(hang, { timeoutMs: 30_000, maxRetries: 0 });
    const error = (await rejectionOf(
      run(client.listWorkflowInstances(ids, { timeoutMs: 250 })),
    )) as WorkflowsTimeoutError;
    expect(error.timeoutMs).toBe(250);
    await rejectionOf(run(client.listWorkflowInstances(ids)));
    expect(clock.timers.map((t) => t.ms)).toEqual([250, 30_000]);
  });

  it("a page that answers within timeoutMs leaves no timer behind", async () => {
    const { client, clock } = setup(() => json([instance]), { timeoutMs: 100 });
    await client.listWorkflowInstances(ids);
    expect(clock.timers.map((t) => t.state)).toEqual(["cleared"]);
  });
});
