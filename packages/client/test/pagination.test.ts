// The walk against the list endpoint in memory (the reference provider's semantics), on an observed
// fetch: page requests, inserts during the walk, and read-ahead, synchronised on request events.
import { generateInstances } from "@workflows-kit/provider";
import {
  apiError,
  createListEndpoint,
  type FetchHandler,
  hang,
  json,
  type ListEndpoint,
  rejectionOf,
} from "@workflows-kit/testing";
import type { OffsetUnit, WorkflowInstance } from "@workflows-kit/types";
import { describe, expect, it } from "vitest";
import {
  InvalidParameterError,
  type IterateWorkflowInstancesInput,
  NotFoundError,
  PaginationError,
  WorkflowsAbortError,
} from "../src/index.js";
import { collect, setup, ids as walkIds } from "./support/fixtures.js";

const { accountId, definitionId } = walkIds;

function serve(count: number, offsetUnit?: OffsetUnit) {
  const instances = generateInstances({ seed: count + 7, accountId, definitionId, count, versions: 1 });
  const endpoint = createListEndpoint({ instances, ...(offsetUnit ? { offsetUnit } : {}) });
  return { endpoint, instances: endpoint.instances() };
}

function clientFor(handler: FetchHandler, offsetUnit?: OffsetUnit, maxRetries = 0) {
  return setup(handler, { maxRetries, ...(offsetUnit ? { offsetUnit } : {}) });
}

async function walk(
  endpoint: ListEndpoint,
  params: Partial<IterateWorkflowInstancesInput> = {},
  unit?: OffsetUnit,
) {
  const context = clientFor(endpoint.handler, unit);
  const seen = await collect(context.client.iterateWorkflowInstances({ accountId, definitionId, ...params }));
  return { seen, requests: pageRequests(context.observed.requests), observed: context.observed };
}

/** limit/offset of each request, in order. */
function pageRequests(requests: readonly Request[]) {
  return requests.map((r) => {
    const q = new URL(r.url).searchParams;
    return { limit: Number(q.get("limit")), offset: Number(q.get("offset")) };
  });
}
const query = (request: Request | undefined, name: string) =>
  new URL(request?.url ?? "").searchParams.get(name);
const ids = (list: readonly WorkflowInstance[]) => list.map((i) => i.workflowId);

describe("iterateWorkflowInstances", () => {
  it("defaults to the spec's offset unit (pages) and counts offset in pages", async () => {
    const { endpoint, instances } = serve(25);
    expect(clientFor(endpoint.handler).client.offsetUnit).toBe("pages");
    const { seen, requests } = await walk(endpoint, { pageSize: 10 });
    expect(ids(seen)).toEqual(ids(instances));
    expect(requests).toEqual([
      { limit: 10, offset: 0 },
      { limit: 10, offset: 1 },
      { limit: 10, offset: 2 },
    ]);
  });

  it.each([
    { name: "0 items", count: 0, pageSize: 10, requests: 1 },
    { name: "a partial last page", count: 25, pageSize: 10, requests: 3 },
    { name: "an exact multiple of the page size", count: 30, pageSize: 10, requests: 4 },
    { name: "fewer items than one page", count: 3, pageSize: 10, requests: 1 },
    { name: "the spec's default page size", count: 150, pageSize: undefined, requests: 2 },
  ])("walks $name: every instance once, newest first", async ({ count, pageSize, requests }) => {
    const { endpoint, instances } = serve(count);
    const result = await walk(endpoint, pageSize === undefined ? {} : { pageSize });
    expect(ids(result.seen)).toEqual(ids(instances));
    expect(result.requests).toHaveLength(requests);
  });

  it.each<{
    unit: OffsetUnit;
    maxItems: number;
    pageSize: number;
    requests: { limit: number; offset: number }[];
  }>([
    { unit: "pages", maxItems: 0, pageSize: 10, requests: [] },
    { unit: "pages", maxItems: 4, pageSize: 10, requests: [{ limit: 4, offset: 0 }] },
    {
      unit: "pages",
      maxItems: 25,
      pageSize: 10,
      requests: [
        { limit: 10, offset: 0 },
        { limit: 10, offset: 1 },
        { limit: 5, offset: 4 },
      ],
    },
    {
      unit: "pages",
      maxItems: 27,
      pageSize: 10,
      requests: [
        { limit: 10, offset: 0 },
        { limit: 10, offset: 1 },
        { limit: 10, offset: 2 },
      ],
    },
    {
      unit: "items",
      maxItems: 27,
      pageSize: 10,
      requests: [
        { limit: 10, offset: 0 },
        { limit: 10, offset: 10 },
        { limit: 7, offset: 20 },
      ],
    },
  ])("maxItems $maxItems ($unit): stops there and requests no page beyond it", async (c) => {
    const { endpoint, instances } = serve(60, c.unit);
    const { seen, requests } = await walk(endpoint, { pageSize: c.pageSize, maxItems: c.maxItems }, c.unit);
    expect(ids(seen)).toEqual(ids(instances.slice(0, c.maxItems)));
    expect(requests).toEqual(c.requests);
  });

  it.each<OffsetUnit>(["pages", "items"])(
    "walks correctly when client and server agree that offset counts %s",
    async (unit) => {
      const { endpoint, instances } = serve(47, unit);
      expect(ids((await walk(endpoint, { pageSize: 10 }, unit)).seen)).toEqual(ids(instances));
    },
  );

  it("yields neither skips nor repeats when instances are created during the walk", async () => {
    const { endpoint, instances } = serve(35);
    const { client, observed } = clientFor(endpoint.handler);
    const newest = instances[0] as WorkflowInstance;
    const fresh = generateInstances({
      seed: 99,
      accountId,
      definitionId,
      count: 12,
      versions: 1,
      newest: new Date(Date.parse(newest.startedAt) + 3_600_000),
    });
    // Same-instant inserts slip through the pinned startTimeTo; the one-page window drops them.
    const sameInstant = generateInstances({ seed: 98, accountId, definitionId, count: 3, versions: 1 }).map(
      (i) => ({ ...i, startedAt: newest.startedAt }),
    );
    const seen: WorkflowInstance[] = [];
    let page = 0;
    for await (const batch of client.iterateWorkflowInstancePages({
      accountId,
      definitionId,
      pageSize: 10,
    })) {
      seen.push(...batch);
      if (page++ === 0) endpoint.insert([...fresh.slice(0, 6), ...sameInstant]);
      if (page === 2) endpoint.insert(fresh.slice(6));
    }
    expect(ids(seen)).toEqual(ids(instances));
    const later = observed.requests.slice(1).map((r) => query(r, "startTimeTo"));
    expect(new Set(later)).toEqual(new Set([newest.startedAt]));
  });

  it("keeps walking the version it started on when a new version becomes the latest", async () => {
    const { endpoint, instances } = serve(30);
    const { client } = clientFor(endpoint.handler);
    const seen: WorkflowInstance[] = [];
    let first = true;
    for await (const batch of client.iterateWorkflowInstancePages({
      accountId,
      definitionId,
      pageSize: 10,
    })) {
      seen.push(...batch);
      if (first) endpoint.setLatestVersion(2);
      first = false;
    }
    expect(ids(seen)).toEqual(ids(instances));
  });

  it("keeps a caller's earlier startTimeTo instead of pinning a later one", async () => {
    const { endpoint, instances } = serve(40);
    const cut = (instances[15] as WorkflowInstance).startedAt;
    const { seen, observed } = await walk(endpoint, { pageSize: 10, startTimeTo: cut });
    expect(ids(seen)).toEqual(ids(instances.slice(15)));
    expect(new Set(observed.requests.map((r) => query(r, "startTimeTo")))).toEqual(new Set([cut]));
  });

  it("applies filters to every page", async () => {
    const { endpoint, instances } = serve(120);
    const { seen, observed } = await walk(endpoint, { pageSize: 7, status: "Complete" });
    expect(ids(seen)).toEqual(ids(instances.filter((i) => i.status === "Complete")));
    for (const r of observed.requests) expect(query(r, "status")).toBe("Complete");
  });

  it("stops requesting when the consumer stops iterating", async () => {
    const { endpoint } = serve(100);
    const { client, observed } = clientFor(endpoint.handler);
    for await (const _ of client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 10 })) break;
    expect(observed.requests).toHaveLength(1);
  });
});

describe("a server that does not advance with offset", () => {
  it("throws PaginationError instead of walking forever", async () => {
    const instances = generateInstances({ seed: 5, accountId, definitionId, count: 3, versions: 1 });
    // The same full page whatever the offset.
    const { client } = clientFor(() => json(instances));
    const error = await rejectionOf(
      collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 3 })),
    );
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toMatch(/offset 1 \(limit 3\) repeated the previous page/);
  });
});

describe("iterateWorkflowInstances with prefetch (read-ahead)", () => {
  /** Serves `instances` in pages (offset in pages); `hold(offset)` leaves that request unanswered, or answers 404. */
  function pagedHandler(
    instances: WorkflowInstance[],
    hold: (offset: number) => boolean | "404" = () => false,
  ) {
    const handler: FetchHandler = (request) => {
      const { limit, offset } = pageRequests([request])[0] as { limit: number; offset: number };
      const verdict = hold(offset);
      if (verdict === "404") return apiError(404, 1300);
      if (verdict) return hang();
      return json(instances.slice(offset * limit, offset * limit + limit));
    };
    return handler;
  }
  const offsets = (requests: readonly Request[]) => pageRequests(requests).map((r) => r.offset);

  /** Collects unhandled rejections while `body` runs, and one macrotask turn after it. */
  async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      await body();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", onRejection);
    }
    return rejections;
  }

  it("yields every instance once, in order, requesting each page at most once", async () => {
    const { endpoint, instances } = serve(95);
    const { seen, observed } = await walk(endpoint, { pageSize: 10, prefetch: 3 });
    expect(ids(seen)).toEqual(ids(instances));
    const sent = offsets(observed.requests);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.filter((o) => o <= 9).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Only read-ahead past the short last page, never more than `prefetch` of them.
    expect(sent.filter((o) => o > 9).length).toBeLessThanOrEqual(3);
  });

  it("reads ahead only once the walk is pinned: page 1 is alone, pages 2.. carry the pin", async () => {
    const { endpoint, instances } = serve(60);
    const { seen, observed } = await walk(endpoint, { pageSize: 10, prefetch: 4 });
    expect(ids(seen)).toEqual(ids(instances));
    const pins = observed.requests.map((r) => query(r, "startTimeTo"));
    expect(pins[0]).toBeNull();
    expect(new Set(pins.slice(1))).toEqual(new Set([(instances[0] as WorkflowInstance).startedAt]));
  });

  it.each<{ unit: OffsetUnit; maxItems: number }>([
    { unit: "pages", maxItems: 25 },
    { unit: "pages", maxItems: 27 },
    { unit: "pages", maxItems: 40 },
    { unit: "items", maxItems: 27 },
  ])("maxItems $maxItems ($unit): the same requests as without read-ahead, none past it", async (c) => {
    const { endpoint, instances } = serve(200, c.unit);
    const byPosition = (list: { limit: number; offset: number }[]) =>
      [...list].sort((a, b) => a.offset * a.limit - b.offset * b.limit || a.limit - b.limit);
    const sequential = await walk(endpoint, { pageSize: 10, maxItems: c.maxItems }, c.unit);
    const ahead = await walk(endpoint, { pageSize: 10, maxItems: c.maxItems, prefetch: 4 }, c.unit);
    expect(ids(ahead.seen)).toEqual(ids(sequential.seen));
    expect(ids(ahead.seen)).toEqual(ids(instances.slice(0, c.maxItems)));
    expect(byPosition(ahead.requests)).toEqual(byPosition(sequential.requests));
  });

  it("keeps at most `prefetch` requests in flight, and an early break aborts them", async () => {
    const instances = generateInstances({ seed: 11, accountId, definitionId, count: 100, versions: 1 });
    const { client, observed } = clientFor(pagedHandler(instances, (offset) => offset > 0));
    const rejections = await unhandledDuring(async () => {
      let count = 0;
      for await (const _ of client.iterateWorkflowInstances({
        accountId,
        definitionId,
        pageSize: 10,
        prefetch: 3,
      })) {
        if (count++ === 0) await observed.received(3);
        if (count === 5) break;
      }
    });
    expect(offsets(observed.requests)).toEqual([0, 1, 2, 3]);
    // The break returns at once and every request made ahead is torn down.
    expect(observed.requests.slice(1).map((r) => r.signal.aborted)).toEqual([true, true, true]);
    expect(rejections).toEqual([]);
  });

  it("the caller's AbortSignal cancels requests in flight ahead", async () => {
    const instances = generateInstances({ seed: 12, accountId, definitionId, count: 100, versions: 1 });
    const { client, observed } = clientFor(pagedHandler(instances, (offset) => offset > 0));
    const controller = new AbortController();
    const pages = client.iterateWorkflowInstancePages(
      { accountId, definitionId, pageSize: 10, prefetch: 2 },
      { signal: controller.signal },
    );
    const walkAll = async () => {
      for await (const _ of pages) {
        await observed.received(2);
        controller.abort(new Error("user cancelled"));
      }
    };
    const error = await rejectionOf(walkAll());
    expect(error).toBeInstanceOf(WorkflowsAbortError);
    expect(((error as Error).cause as Error).message).toBe("user cancelled");
    expect(observed.requests.map((r) => r.signal.aborted)).toEqual([false, true, true]);
  });

  it("a page that failed ahead surfaces when the walk reaches it, after every page before it", async () => {
    const instances = generateInstances({ seed: 13, accountId, definitionId, count: 100, versions: 1 });
    const { client, observed } = clientFor(
      pagedHandler(instances, (offset) => (offset === 2 ? "404" : false)),
    );
    const seen: WorkflowInstance[] = [];
    const rejections = await unhandledDuring(async () => {
      const walkAll = async () => {
        for await (const instance of client.iterateWorkflowInstances({
          accountId,
          definitionId,
          pageSize: 10,
          prefetch: 3,
        })) {
          seen.push(instance);
          // Slow consumer: the failing page is answered long before the walk gets to it.
          if (seen.length === 1) await observed.received(3);
        }
      };
      expect(await rejectionOf(walkAll())).toBeInstanceOf(NotFoundError);
    });
    expect(ids(seen)).toEqual(ids(instances.slice(0, 20)));
    expect(rejections).toEqual([]);
  });

  it("a consumer that stops before a page that failed ahead never sees its error, and nothing is unhandled", async () => {
    const instances = generateInstances({ seed: 13, accountId, definitionId, count: 100, versions: 1 });
    const { client, observed } = clientFor(
      pagedHandler(instances, (offset) => (offset === 2 ? "404" : false)),
    );
    const rejections = await unhandledDuring(async () => {
      let count = 0;
      for await (const _ of client.iterateWorkflowInstances({
        accountId,
        definitionId,
        pageSize: 10,
        prefetch: 3,
      })) {
        if (count === 0) await observed.received(3);
        if (++count === 15) break;
      }
    });
    expect(rejections).toEqual([]);
  });

  it("stays exact when a page fetched ahead was answered before a same-instant insert", async () => {
    const { endpoint, instances } = serve(50);
    const newest = instances[0] as WorkflowInstance;
    const sameInstant = generateInstances({ seed: 97, accountId, definitionId, count: 3, versions: 1 }).map(
      (i) => ({ ...i, startedAt: newest.startedAt }),
    );
    // Page 2 (offset 1) waits at the gate; pages 3 and 4 are answered at once, before the insert.
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { client, observed } = clientFor(async (request, index) => {
      if (query(request, "offset") === "1") await gate;
      return endpoint.handler(request, index);
    });
    const seen: WorkflowInstance[] = [];
    let first = true;
    for await (const page of client.iterateWorkflowInstancePages({
      accountId,
      definitionId,
      pageSize: 10,
      prefetch: 3,
    })) {
      seen.push(...page);
      if (first) {
        first = false;
        // Offsets 2 and 3 went out after offset 1; the handler answers them at once.
        await observed.received(3);
        endpoint.insert(sameInstant);
        open();
      }
    }
    expect(ids(seen)).toEqual(ids(instances));
  });

  it.each([-1, 1.5, 17, Number.NaN])("rejects prefetch %s", async (prefetch) => {
    const { client, observed } = clientFor(hang);
    const error = await rejectionOf(
      collect(client.iterateWorkflowInstances({ accountId, definitionId, prefetch })),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe("prefetch");
    expect(observed.requests).toHaveLength(0);
  });
});
