// The webhook sink on an observed fetch and the virtual clock: what it POSTs, what it retries and
// how long it waits, its timeout, and that its error never shows the URL's path (often a token).
import { createObservedFetch, hang, inOrder, networkError } from "@workflows-kit/testing";
import { describe, expect, it } from "vitest";
import { type TerminatedAlert, WebhookError, webhookSink } from "../src/index.js";
import { nextWait, virtualClock } from "./support/monitor.js";

const HOOK = "https://hooks.test/services/T000/B000/secret-token?key=also-secret";
const TIMEOUT = 10_000;
const alert: TerminatedAlert = {
  type: "workflow.terminated",
  accountId: "acme",
  definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230",
  version: 1,
  workflowId: "60dbe307fe55d99fc083db61",
  startedAt: "2021-06-30T03:20:39.3857479Z",
  completedAt: "2021-06-30T03:21:25.83Z",
  detectedAt: "2021-07-01T00:00:00.000Z",
};

/** An answer with `status` and no body (a fresh Response per request). */
const answer =
  (status: number, headers: Record<string, string> = {}) =>
  () =>
    new Response(null, { status, headers });

const sinkOn = (fetch: typeof globalThis.fetch, clock = virtualClock(), retries = 3) =>
  webhookSink({
    url: HOOK,
    fetch,
    clock,
    random: () => 0.5,
    timeoutMs: TIMEOUT,
    retries,
    retryBaseDelayMs: 1_000,
  });

describe("webhookSink", () => {
  it("POSTs the alert as JSON with an Idempotency-Key", async () => {
    const hook = createObservedFetch(answer(202));
    await sinkOn(hook.fetch).deliver(alert);
    const [request] = hook.requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe(HOOK);
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.headers.get("idempotency-key")).toBe(alert.workflowId);
    expect(await request?.json()).toEqual(alert);
  });

  it("retries 5xx and network failures with doubling backoff, then succeeds", async () => {
    const clock = virtualClock();
    const hook = createObservedFetch(inOrder(answer(503), () => networkError("ECONNREFUSED"), answer(200)));
    const delivered = sinkOn(hook.fetch, clock).deliver(alert);
    // Equal jitter with random 0.5: ¾ of 1 s, then ¾ of 2 s.
    expect((await nextWait(clock, TIMEOUT)).ms).toBe(750);
    await clock.advance(750);
    await hook.received(1);
    expect((await nextWait(clock, TIMEOUT)).ms).toBe(1_500);
    await clock.advance(1_500);
    await delivered;
    expect(hook.requests).toHaveLength(3);
  });

  it("honours Retry-After on a 429", async () => {
    const clock = virtualClock();
    const hook = createObservedFetch(inOrder(answer(429, { "retry-after": "7" }), answer(200)));
    const delivered = sinkOn(hook.fetch, clock).deliver(alert);
    expect((await nextWait(clock, TIMEOUT)).ms).toBe(7_000);
    await clock.advance(7_000);
    await delivered;
  });

  it("gives up after its retries with a WebhookError that shows the origin only", async () => {
    const clock = virtualClock();
    const hook = createObservedFetch(answer(500));
    const delivered = sinkOn(hook.fetch, clock, 2)
      .deliver(alert)
      .catch((e: unknown) => e);
    for (const wait of [750, 1_500]) {
      expect((await nextWait(clock, TIMEOUT)).ms).toBe(wait);
      await clock.advance(wait);
    }
    const error = (await delivered) as WebhookError;
    expect(error).toBeInstanceOf(WebhookError);
    expect(error).toMatchObject({ status: 500, attempts: 3, target: "https://hooks.test" });
    expect(error.message).toBe("POST https://hooks.test/…: answered 500 (3 attempts)");
    expect(`${error.message} ${error.stack}`).not.toMatch(/secret|T000/);
  });

  it("does not retry a 4xx other than 408 and 429", async () => {
    const hook = createObservedFetch(answer(404));
    await expect(sinkOn(hook.fetch).deliver(alert)).rejects.toMatchObject({ status: 404, attempts: 1 });
  });

  it("bounds each attempt by its timeout", async () => {
    const clock = virtualClock();
    const hook = createObservedFetch(hang);
    const delivered = sinkOn(hook.fetch, clock, 0)
      .deliver(alert)
      .catch((e: unknown) => e);
    await hook.received(0);
    expect(clock.pending().map((t) => t.ms)).toEqual([TIMEOUT]);
    await clock.advance(TIMEOUT);
    expect(await delivered).toMatchObject({
      message: "POST https://hooks.test/…: no answer within 10000 ms (1 attempt)",
      status: undefined,
    });
  });

  it("stops at once when the caller's signal aborts, also while waiting to retry", async () => {
    const clock = virtualClock();
    const hook = createObservedFetch(answer(503));
    const controller = new AbortController();
    const delivered = sinkOn(hook.fetch, clock).deliver(alert, controller.signal);
    await nextWait(clock, TIMEOUT);
    controller.abort("SIGTERM");
    await expect(delivered).rejects.toBe("SIGTERM");
    expect(clock.pending()).toEqual([]);
  });

  it("a network failure names its cause, not the URL", async () => {
    const hook = createObservedFetch(() => networkError("ECONNREFUSED"));
    const error = await sinkOn(hook.fetch, virtualClock(), 0)
      .deliver(alert)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: "POST https://hooks.test/…: fetch failed (ECONNREFUSED) (1 attempt)",
    });
  });
});
