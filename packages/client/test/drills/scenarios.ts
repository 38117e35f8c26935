/**
 * The fault drills: each one stages the reference provider behind the fault server
 * (@workflows-kit/testing/drills), runs one client call (a page or a whole walk) with small,
 * explicit bounds, and states the outcome it must end with (a correct result or a typed error),
 * the number of requests, and the elapsed-time window. drills.test.ts runs them in-process,
 * child.test.ts in a child Node process each.
 */

import {
  always,
  apiError,
  type DrillCall,
  drillIds,
  EARLY_MS,
  type Fault,
  htmlPage,
  httpDate,
  httpDateRateLimit,
  type Outcome,
  rateLimit,
  reordered,
  SLACK_MS,
  type Staged,
  type StageOptions,
} from "@workflows-kit/testing/drills";
import type { WorkflowInstance } from "@workflows-kit/types";
import { expect } from "vitest";
import type { WorkflowsClientOptions } from "../../src/index.js";

export const ids = drillIds;
/** Distinctive, so a test can prove it is in no output. */
export const API_KEY = "sk-drill-7Hq2c9-SECRET-KEY";

const TEN_MB = 10 * 1024 * 1024;
/** Short backoff steps: 20, 40, 80, 100, 100 … ms (each wait is between half and all of its step). */
const quick = { retryBaseDelayMs: 20, retryMaxDelayMs: 100 } as const;

type ClientOptions = Omit<WorkflowsClientOptions, "apiKey" | "baseUrl" | "fetch" | "clock" | "random">;

export type Expected =
  /** Every instance of the data set once, in the provider's order (walk), or its first page (list). */
  | { ok: true; order?: (data: WorkflowInstance[]) => WorkflowInstance[]; minBytes?: number }
  | {
      /** The exact class, e.g. "RateLimitError". */
      error: string;
      /** Fields the typed error must carry (null: must be absent). */
      fields?: Partial<Record<"status" | "code" | "timeoutMs" | "attempts", number | null>> & {
        retryAfterExceeded?: boolean;
      };
      retryAfterMs?: [number, number];
      excerptStartsWith?: string;
    };

export interface Drill extends StageOptions {
  name: string;
  options: ClientOptions;
  call: DrillCall;
  expected: Expected;
  /** Requests the fault server must have received (a range when read-ahead may or may not send some). */
  requests: number | { min: number; max: number };
  /** Upper bound of the elapsed time before SLACK_MS: the configured waits, timeouts and backoff. */
  maxMs: number;
}

const list = (limit: number): DrillCall => ({ kind: "list", params: { limit } });
const walk = (pageSize: number, prefetch?: number): DrillCall => ({
  kind: "walk",
  params: prefetch === undefined ? { pageSize } : { pageSize, prefetch },
});
export const drills: Drill[] = [
  {
    name: "429 burst mid-walk, Retry-After in seconds (1 s, twice)",
    size: 25,
    setup: () => ({ plan: [{ kind: "pass" }, rateLimit("1"), rateLimit("1")], minMs: () => 2_000 }),
    options: { ...quick, maxRetries: 2 },
    call: walk(10),
    expected: { ok: true },
    requests: 5,
    maxMs: 2_000,
  },
  {
    name: "429 with Retry-After as an HTTP date (1–2 s ahead)",
    size: 25,
    setup: () => httpDateRateLimit(2),
    options: { ...quick, maxRetries: 2 },
    call: list(10),
    expected: { ok: true },
    requests: 2,
    maxMs: 2_000,
  },
  {
    name: "429 with Retry-After as an HTTP date in the past: retried at once",
    size: 25,
    setup: () => ({ plan: [rateLimit(() => httpDate(-3600).header)] }),
    options: { ...quick, maxRetries: 2 },
    call: list(10),
    expected: { ok: true },
    requests: 2,
    maxMs: 0,
  },
  {
    name: "429 burst longer than the retries (Retry-After: 0)",
    size: 25,
    setup: () => ({ plan: always(rateLimit("0")) }),
    options: { ...quick, maxRetries: 3 },
    call: list(10),
    expected: {
      error: "RateLimitError",
      fields: { status: 429, code: 1100, attempts: 4, retryAfterExceeded: false },
      retryAfterMs: [0, 0],
    },
    requests: 4,
    maxMs: 0,
  },
  {
    name: "429 asking for 120 s, above maxRetryAfterMs: RateLimitError at once",
    size: 25,
    setup: () => ({ plan: always(rateLimit("120")) }),
    options: { ...quick, maxRetries: 2, maxRetryAfterMs: 1_000 },
    call: list(10),
    expected: {
      error: "RateLimitError",
      fields: { status: 429, code: 1100, attempts: 1, retryAfterExceeded: true },
      retryAfterMs: [120_000, 120_000],
    },
    requests: 1,
    maxMs: 0,
  },
  {
    name: "429 asking for an HTTP date an hour ahead, above maxRetryAfterMs: RateLimitError at once",
    size: 25,
    setup: () => ({ plan: always(rateLimit(() => httpDate(3600).header)) }),
    options: { ...quick, maxRetries: 2, maxRetryAfterMs: 1_000 },
    call: list(10),
    expected: {
      error: "RateLimitError",
      fields: { status: 429, attempts: 1, retryAfterExceeded: true },
      retryAfterMs: [3_590_000, 3_600_000],
    },
    requests: 1,
    maxMs: 0,
  },
  {
    name: "5xx storm (500, HTML 502, 503, 504, 500): InternalServerError after the retries",
    size: 25,
    setup: () => {
      const storm = [apiError(500), htmlPage(502), apiError(503), apiError(504), apiError(500)];
      return { plan: storm, minMs: () => (20 + 40 + 80 + 100) / 2 };
    },
    options: { ...quick, maxRetries: 4 },
    call: list(10),
    expected: { error: "InternalServerError", fields: { status: 500, code: 1, attempts: 5 } },
    requests: 5,
    maxMs: 20 + 40 + 80 + 100,
  },
  {
    name: "5xx storm on the second page, then recovery: the walk completes",
    size: 25,
    setup: () => ({ plan: [{ kind: "pass" }, apiError(503), htmlPage(502), apiError(500)] }),
    options: { ...quick, maxRetries: 3 },
    call: walk(10),
    expected: { ok: true },
    requests: 6,
    maxMs: 20 + 40 + 80,
  },
  {
    name: "connection reset before the headers, mid-walk: retried",
    size: 25,
    setup: () => ({ plan: [{ kind: "pass" }, { kind: "resetBeforeHeaders" }] }),
    options: { ...quick, maxRetries: 2 },
    call: walk(10),
    expected: { ok: true },
    requests: 4,
    maxMs: 20,
  },
  {
    name: "connection reset mid-body, mid-walk: retried, no instance lost or repeated",
    size: 25,
    setup: () => ({ plan: [{ kind: "pass" }, { kind: "resetMidBody" }] }),
    options: { ...quick, maxRetries: 2 },
    call: walk(10),
    expected: { ok: true },
    requests: 4,
    maxMs: 20,
  },
  {
    name: "connection reset mid-body on every attempt: WorkflowsConnectionError",
    size: 25,
    setup: () => ({ plan: always({ kind: "resetMidBody" }) }),
    options: { ...quick, maxRetries: 2 },
    call: list(10),
    expected: { error: "WorkflowsConnectionError", fields: { attempts: 3 } },
    requests: 3,
    maxMs: 20 + 40,
  },
  {
    name: "truncated JSON in a complete 200: InvalidResponseError, not retried",
    size: 25,
    setup: () => ({ plan: always({ kind: "truncatedJson" }) }),
    options: { ...quick, maxRetries: 2 },
    call: list(10),
    expected: { error: "InvalidResponseError", fields: { status: 200 }, excerptStartsWith: '[{"workflowId"' },
    requests: 1,
    maxMs: 0,
  },
  {
    name: "truncated JSON on the second page of a walk: InvalidResponseError",
    size: 25,
    setup: () => ({ plan: [{ kind: "pass" }, { kind: "truncatedJson" }] }),
    options: { ...quick, maxRetries: 2 },
    call: walk(10),
    expected: { error: "InvalidResponseError", fields: { status: 200 } },
    requests: 2,
    maxMs: 0,
  },
  {
    name: "truncated JSON in a 503 on every attempt: InternalServerError without a code",
    size: 25,
    setup: () => ({ plan: always({ kind: "truncatedJson", status: 503 }) }),
    options: { ...quick, maxRetries: 2 },
    call: list(10),
    expected: { error: "InternalServerError", fields: { status: 503, code: null }, excerptStartsWith: "[{" },
    requests: 3,
    maxMs: 20 + 40,
  },
  {
    name: "an HTML 502 page on every attempt: InternalServerError with a short excerpt",
    size: 25,
    setup: () => ({ plan: always(htmlPage(502)) }),
    options: { ...quick, maxRetries: 2 },
    call: list(10),
    expected: {
      error: "InternalServerError",
      fields: { status: 502, code: null },
      excerptStartsWith: "<!DOCTYPE html> <html>",
    },
    requests: 3,
    maxMs: 20 + 40,
  },
  {
    name: "an HTML page with status 200 (a captive portal): InvalidResponseError",
    size: 25,
    setup: () => ({ plan: always({ ...htmlPage(502), status: 200 } as Fault) }),
    options: { ...quick, maxRetries: 2 },
    call: list(10),
    expected: {
      error: "InvalidResponseError",
      fields: { status: 200 },
      excerptStartsWith: "<!DOCTYPE html>",
    },
    requests: 1,
    maxMs: 0,
  },
  {
    name: "a page with more instances than limit: InvalidResponseError (walking on would lose instances)",
    size: 25,
    setup: () => ({
      plan: always({ kind: "page", build: (page) => page.window(page.start, page.limit + 1) }),
    }),
    options: { ...quick, maxRetries: 2 },
    call: walk(10),
    expected: { error: "InvalidResponseError", fields: { status: 200 }, excerptStartsWith: '[{"workflowId"' },
    requests: 1,
    maxMs: 0,
  },
  {
    name: "a 200 array of things that are not instances ([null, 1]): InvalidResponseError",
    size: 25,
    setup: () => ({
      plan: always({ kind: "page", build: async () => [null, 1] as unknown as WorkflowInstance[] }),
    }),
    options: { ...quick, maxRetries: 2 },
    call: walk(10),
    expected: { error: "InvalidResponseError", fields: { status: 200 }, excerptStartsWith: "[null,1]" },
    requests: 1,
    maxMs: 0,
  },
  {
    name: "slow headers (400 ms) within timeoutMs: the page",
    size: 25,
    setup: () => ({ plan: [{ kind: "slowHeaders", delayMs: 400 }], minMs: () => 400 }),
    options: { ...quick, maxRetries: 0, timeoutMs: 10_000 },
    call: list(10),
    expected: { ok: true },
    requests: 1,
    maxMs: 400,
  },
  {
    name: "slow headers past timeoutMs, then a prompt answer: retried after the timeout",
    size: 25,
    setup: () => ({ plan: [{ kind: "slowHeaders", delayMs: 5_000 }], minMs: () => 300 }),
    options: { ...quick, maxRetries: 1, timeoutMs: 300 },
    call: list(10),
    expected: { ok: true },
    requests: 2,
    maxMs: 300 + 20,
  },
  {
    name: "a server that never answers: WorkflowsTimeoutError after (maxRetries + 1) × timeoutMs",
    size: 25,
    setup: () => ({ plan: always({ kind: "hang" }), minMs: () => 3 * 300 }),
    options: { ...quick, maxRetries: 2, timeoutMs: 300 },
    call: list(10),
    expected: { error: "WorkflowsTimeoutError", fields: { timeoutMs: 300, attempts: 3 } },
    requests: 3,
    maxMs: 3 * 300 + 20 + 40,
  },
  {
    name: "a body that trickles slower than timeoutMs: WorkflowsTimeoutError (the bound covers the body)",
    size: 25,
    setup: () => ({ plan: always({ kind: "trickle", chunkBytes: 32, everyMs: 50 }), minMs: () => 2 * 400 }),
    options: { ...quick, maxRetries: 1, timeoutMs: 400 },
    call: list(10),
    expected: { error: "WorkflowsTimeoutError", fields: { timeoutMs: 400, attempts: 2 } },
    requests: 2,
    maxMs: 2 * 400 + 20,
  },
  {
    name: "a 10 MB page of 100 instances: accepted and parsed",
    size: 100,
    setup: () => ({ plan: [{ kind: "large", minBytes: TEN_MB }] }),
    options: { ...quick, maxRetries: 0, timeoutMs: 20_000 },
    call: list(100),
    expected: { ok: true, minBytes: TEN_MB },
    requests: 1,
    maxMs: 2_000,
  },
  {
    name: "a 10 MB HTML error page on every attempt: InternalServerError with a 200-character excerpt",
    size: 25,
    setup: () => ({ plan: always(htmlPage(503, TEN_MB)) }),
    options: { ...quick, maxRetries: 1, timeoutMs: 20_000 },
    call: list(10),
    expected: {
      error: "InternalServerError",
      fields: { status: 503, code: null },
      excerptStartsWith: "<!DOCTYPE",
    },
    requests: 2,
    maxMs: 2_000,
  },
  {
    name: "overlapping pages (each repeats the last instance of the page before): each instance once",
    size: 47,
    setup: () => ({
      plan: always({
        kind: "page",
        // Page n starts n instances early (pages unit: offset n), so it repeats the last one of page n-1.
        build: (page) => page.window(page.start - page.offset, page.limit),
      }),
    }),
    options: { ...quick, maxRetries: 0 },
    call: walk(10),
    expected: { ok: true },
    requests: 6,
    maxMs: 0,
  },
  {
    name: "pages reordered within and across page boundaries: each instance once, in the server's order",
    size: 47,
    setup: () => ({
      plan: always({
        kind: "page",
        build: async (page) =>
          reordered(await page.window(0, 500), page.limit).slice(page.start, page.start + page.limit),
      }),
    }),
    options: { ...quick, maxRetries: 0 },
    call: walk(10),
    expected: { ok: true, order: (data) => reordered(data, 10) },
    requests: 5,
    maxMs: 0,
  },
  // With read-ahead, requests made ahead of the consumer meet the faults too; discarded ones must
  // be aborted without an unhandled rejection or a leftover socket or timer.
  {
    name: "read-ahead (prefetch 4) past the last page: the extra requests are aborted, nothing leaks",
    size: 25,
    setup: () => ({ plan: [] }),
    options: { ...quick, maxRetries: 0 },
    call: walk(5, 4),
    expected: { ok: true },
    requests: { min: 6, max: 6 + 4 },
    maxMs: 0,
  },
  {
    name: "read-ahead (prefetch 3) into a 5xx storm that recovers: the walk completes",
    size: 47,
    setup: () => ({
      plan: (context) => (context.index >= 1 && context.index <= 4 ? apiError(503) : { kind: "pass" }),
    }),
    options: { ...quick, maxRetries: 3 },
    call: walk(5, 3),
    expected: { ok: true },
    requests: { min: 10 + 4, max: 10 + 4 + 3 + 3 * 4 },
    maxMs: 20 + 40 + 80 + 100,
  },
  {
    name: "read-ahead (prefetch 2) with resets mid-body: retried, every instance once",
    size: 47,
    setup: () => ({
      plan: (context) => (context.index % 3 === 2 ? { kind: "resetMidBody" } : { kind: "pass" }),
    }),
    options: { ...quick, maxRetries: 3 },
    call: walk(5, 2),
    expected: { ok: true },
    requests: { min: 10, max: 60 },
    maxMs: 2_000,
  },
  {
    name: "read-ahead (prefetch 3) into a server that stops answering: WorkflowsTimeoutError, nothing leaks",
    size: 47,
    setup: () => ({
      plan: (context) => (context.index === 0 ? { kind: "pass" } : { kind: "hang" }),
      minMs: () => 2 * 300,
    }),
    options: { ...quick, maxRetries: 1, timeoutMs: 300 },
    call: walk(5, 3),
    expected: { error: "WorkflowsTimeoutError", fields: { timeoutMs: 300 } },
    requests: { min: 3, max: 1 + 3 * 2 + 2 },
    maxMs: 2 * 300 + 20,
  },
];

/** The outcome, request count and elapsed time a drill must end with. */
export function expectOutcome(drill: Drill, outcome: Outcome, staged: Staged, elapsedMs: number): void {
  const expected = drill.expected;
  if ("ok" in expected) {
    if (!outcome.ok)
      throw new Error(`expected a result, got ${outcome.error.class}: ${outcome.error.message}`);
    const all = expected.order ? expected.order(staged.data) : staged.data;
    const wanted = drill.call.kind === "list" ? all.slice(0, Number(drill.call.params.limit)) : all;
    expect(outcome.ids).toEqual(wanted.map((instance) => instance.workflowId));
    expect(new Set(outcome.ids).size).toBe(outcome.ids.length);
    if (expected.minBytes !== undefined) expect(outcome.bytes).toBeGreaterThanOrEqual(expected.minBytes);
  } else {
    if (outcome.ok) throw new Error(`expected ${expected.error}, got ${outcome.ids.length} instances`);
    const error = outcome.error;
    expect(error.class).toBe(expected.error);
    expect(error.name).toBe(expected.error);
    expect(error.chain).toContain("WorkflowsError");
    for (const [field, value] of Object.entries(expected.fields ?? {})) {
      expect({ field, value: error[field as keyof typeof error] }).toEqual({ field, value });
    }
    if (expected.retryAfterMs) {
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(expected.retryAfterMs[0]);
      expect(error.retryAfterMs).toBeLessThanOrEqual(expected.retryAfterMs[1]);
    }
    if (expected.excerptStartsWith !== undefined) {
      expect(error.bodyExcerpt?.startsWith(expected.excerptStartsWith)).toBe(true);
      // One line of at most 200 characters (and the ellipsis), however large the body.
      expect(error.bodyExcerpt?.length).toBeLessThanOrEqual(201);
      expect(error.bodyExcerpt).not.toMatch(/\n/);
    }
    expect(error.rendered).toContain(expected.error); // it did render the error
    expect(error.rendered).not.toContain(API_KEY);
    expect(error.message.length).toBeLessThan(2_000);
  }
  if (typeof drill.requests === "number") expect(staged.faults.requests).toHaveLength(drill.requests);
  else {
    expect(staged.faults.requests.length).toBeGreaterThanOrEqual(drill.requests.min);
    expect(staged.faults.requests.length).toBeLessThanOrEqual(drill.requests.max);
  }
  // Every request carried the key (it did reach the server, so its absence elsewhere means something).
  for (const request of staged.faults.requests)
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
  expect(elapsedMs).toBeGreaterThanOrEqual(staged.minMs() - EARLY_MS);
  expect(elapsedMs).toBeLessThanOrEqual(drill.maxMs + SLACK_MS);
}
