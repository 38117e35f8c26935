// The fault drills in-process: the outcome, the request count and the elapsed-time window of each
// (scenarios.ts), no unhandled rejection, and no timer, socket or server left once it is over.
// Then cancellation on real sockets, each abort synchronised on the server having seen the request.
import { createServer } from "node:http";
import * as reference from "@workflows-kit/provider";
import { generateInstances } from "@workflows-kit/provider";
import {
  describeError,
  type FaultPlan,
  failOnUnhandled,
  runCall,
  SLACK_MS,
  stage,
  trackResources,
  withoutLeaks,
} from "@workflows-kit/testing/drills";
import { describe, expect, it } from "vitest";
import { createWorkflowsClient, WorkflowsAbortError } from "../../src/index.js";
import { API_KEY, drills, expectOutcome, ids } from "./scenarios.js";

failOnUnhandled();

describe("fault drills (in-process)", () => {
  // The slack for a loaded machine must not hide a drill that waits for the client's default timeout.
  it("every bound stays below the default 30 s timeout it guards", () => {
    const over = drills.filter((d) => d.maxMs + SLACK_MS >= 30_000).map((d) => d.name);
    expect(over).toEqual([]);
  });

  it.each(drills)(
    "$name",
    (drill) =>
      withoutLeaks(async () => {
        const staged = await stage(drill, reference);
        try {
          const client = createWorkflowsClient({
            apiKey: API_KEY,
            baseUrl: staged.faults.url,
            ...drill.options,
          });
          const started = performance.now();
          const outcome = await runCall(client, drill.call, ids);
          const elapsed = performance.now() - started;
          expectOutcome(drill, outcome, staged, elapsed);
        } finally {
          await staged.close();
        }
      }),
    30_000,
  );

  // The caller aborts once the server has received the request (an event, not a delay): the call
  // ends at once in WorkflowsAbortError, the connection is torn down, nothing is left running.
  it.each([
    { name: "a server that never answers", fault: { kind: "hang" }, maxRetries: 2 },
    { name: "a server that never answers (maxRetries 0)", fault: { kind: "hang" }, maxRetries: 0 },
    {
      name: "a body still arriving (headers and half the body, then a stall)",
      fault: { kind: "stall" },
      maxRetries: 2,
    },
  ] as const)(
    "abort once the server saw the request, $name: WorkflowsAbortError at once",
    ({ fault, maxRetries }) =>
      withoutLeaks(async () => {
        const staged = await stage({ size: 25, setup: () => ({ plan: () => fault }) }, reference);
        try {
          const client = createWorkflowsClient({ apiKey: API_KEY, baseUrl: staged.faults.url, maxRetries });
          const controller = new AbortController();
          const reason = new Error("caller gave up");
          const call = client
            .listWorkflowInstances({ ...ids, limit: 10 }, { signal: controller.signal })
            .then(
              () => undefined,
              (error: unknown) => error,
            );
          await staged.faults.received(0);
          const abortedAt = performance.now();
          controller.abort(reason);
          const error = await call;
          expect(performance.now() - abortedAt).toBeLessThan(SLACK_MS);
          expect((error as object).constructor).toBe(WorkflowsAbortError);
          expect((error as WorkflowsAbortError).cause).toBe(reason);
          expect(describeError(error).ok === false && describeError(error)).toMatchObject({
            error: { class: "WorkflowsAbortError" },
          });
          expect(describeError(error)).not.toContain(API_KEY);
          expect(staged.faults.requests).toHaveLength(1);
        } finally {
          await staged.close();
        }
      }),
    30_000,
  );

  /** A walk over `plan` (25 instances, pages of 10); the ids it yielded. */
  async function walkIds(plan: FaultPlan): Promise<string[]> {
    const staged = await stage({ size: 25, setup: () => ({ plan }) }, reference);
    try {
      const client = createWorkflowsClient({ apiKey: API_KEY, baseUrl: staged.faults.url, maxRetries: 0 });
      const outcome = await runCall(client, { kind: "walk", params: { pageSize: 10 } }, ids);
      if (!outcome.ok) throw new Error(`${outcome.error.class}: ${outcome.error.message}`);
      return outcome.ids;
    } finally {
      await staged.close();
    }
  }

  // The walk remembers the ids it yielded last (two pages, at least 1 000): a repeat from further
  // back, or within one page, is dropped too.
  it("a page repeating an instance from two pages back: the walk yields no duplicate", async () => {
    const yielded = await walkIds(() => ({
      kind: "page",
      build: async (page) => {
        const all = await page.window(0, 500);
        const items = all.slice(page.start, page.start + page.limit);
        if (page.offset === 2 && all[0]) items[0] = all[0];
        return items;
      },
    }));
    expect(new Set(yielded).size).toBe(yielded.length);
  });

  it("a page holding the same instance twice: the walk yields no duplicate", async () => {
    const yielded = await walkIds(() => ({
      kind: "page",
      build: async (page) => {
        const items = await page.window(page.start, page.limit);
        if (page.offset === 1 && items[0]) items[1] = items[0];
        return items;
      },
    }));
    expect(new Set(yielded).size).toBe(yielded.length);
  });

  // With read-ahead, pages requested before a same-instant insert and a page answered after it meet.
  // Here pages 3 and 4 are answered before the inserts (5, then 1, at the pinned instant) and page 5
  // after both: it repeats page 4 whole, so the walk moves to the strict list and reads on from there.
  it("read-ahead across same-instant inserts: every starting instance once, no PaginationError", async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const staged = await stage(
      {
        size: 24,
        setup: () => ({
          plan: (page) => (page.start === 24 ? { kind: "held", until: released } : { kind: "pass" }),
        }),
      },
      reference,
    );
    try {
      // Resolves once the answers to these offsets (pages 3 and 4) have reached the client.
      const arrived = new Map<number, () => void>();
      const answered = (offset: number) => new Promise<void>((resolve) => arrived.set(offset, resolve));
      const pagesThreeAndFour = Promise.all([answered(2), answered(3)]);
      const client = createWorkflowsClient({
        apiKey: API_KEY,
        baseUrl: staged.faults.url,
        maxRetries: 0,
        fetch: async (input, init) => {
          const request = new Request(input, init);
          const response = await fetch(request);
          arrived.get(Number(new URL(request.url).searchParams.get("offset")))?.();
          return response;
        },
      });
      const pin = staged.data[0]?.startedAt ?? "";
      const sameInstant = (count: number, seed: number) =>
        generateInstances({ seed, ...ids, count, versions: 1 }).map((instance) => ({
          ...instance,
          startedAt: pin,
        }));
      const seen: string[] = [];
      let page = 0;
      for await (const batch of client.iterateWorkflowInstancePages({ ...ids, pageSize: 6, prefetch: 3 })) {
        seen.push(...batch.map((instance) => instance.workflowId));
        page++;
        if (page === 2) {
          await pagesThreeAndFour;
          staged.provider.insertInstances(ids.definitionId, sameInstant(5, 901));
        }
        if (page === 3) {
          staged.provider.insertInstances(ids.definitionId, sameInstant(1, 902));
          release();
        }
        if (page > 10) throw new Error("the walk did not end");
      }
      expect(seen).toEqual(staged.data.map((instance) => instance.workflowId));
    } finally {
      release();
      await staged.close();
    }
  }, 20_000);

  it("the leak check is not vacuous: a pending timer or an open server is reported", async () => {
    const resources = trackResources();
    const timer = setTimeout(() => {}, 60_000);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await expect(resources.expectNoneLeft()).rejects.toThrow(/TCPSERVERWRAP.*Timeout/s);
    } finally {
      clearTimeout(timer);
      server.close();
      resources.stop();
    }
  }, 10_000);
});
