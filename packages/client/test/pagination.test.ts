// The walk against the reference provider in memory (`createProviderFetch`) on an observed fetch:
// page requests, the offset unit check, inserts during the walk, and read-ahead, synchronised on
// request events. No socket.
import { generateInstances } from "@workflows-kit/provider";
import { apiError, type FetchHandler, hang, json, rejectionOf } from "@workflows-kit/testing";
import { type OffsetUnit, toTicks, type WorkflowInstance } from "@workflows-kit/types";
import { describe, expect, it } from "vitest";
import {
  InvalidParameterError,
  type IterateWorkflowInstancesInput,
  NotFoundError,
  type OffsetUnitOption,
  PaginationError,
  WorkflowsAbortError,
} from "../src/index.js";
import { judgeOffsetUnit } from "../src/offset-unit.js";
import { formatTicks, type PageFetcher, RecentIds, walkPages, windowCapacity } from "../src/pagination.js";
import { collect, type ServedList, serveList, setup, ids as walkIds } from "./support/fixtures.js";

const { accountId, definitionId } = walkIds;

const cache = new Map<string, WorkflowInstance[]>();
/** `count` instances of one version, newest first; generated once per count and seed. */
function data(count: number, seed = count + 7) {
  const key = `${count} ${seed}`;
  if (!cache.has(key))
    cache.set(key, generateInstances({ seed, accountId, definitionId, count, versions: 1 }));
  return cache.get(key) as WorkflowInstance[];
}

function serve(count: number, offsetUnit?: OffsetUnit, seed?: number) {
  const list = serveList(data(count, seed), offsetUnit);
  return { list, instances: list.instances() };
}

function clientFor(handler: FetchHandler, offsetUnit?: OffsetUnitOption, maxRetries = 0) {
  return setup(handler, { maxRetries, ...(offsetUnit ? { offsetUnit } : {}) });
}

async function walk(
  list: ServedList,
  params: Partial<IterateWorkflowInstancesInput> = {},
  unit?: OffsetUnitOption,
) {
  const context = clientFor(list.handler, unit);
  const seen = await collect(context.client.iterateWorkflowInstances({ accountId, definitionId, ...params }));
  return { seen, requests: sent(context.observed.requests, list), observed: context.observed };
}

/**
 * Each request as `limit@offset`, then the list it read: nothing (page 1), `pin` (startTimeTo = the
 * newest startedAt when the walk started), `older` (startTimeTo before that instant: the strict
 * list), `instant` (startTimeFrom = startTimeTo: the check of page 1's instant).
 */
function sent(requests: readonly Request[], list?: ServedList) {
  const newest = list && pinOf(list);
  return requests.map((request) => {
    const q = new URL(request.url).searchParams;
    const to = q.get("startTimeTo");
    const bound =
      to === null ? "" : q.get("startTimeFrom") ? " instant" : to === newest || !newest ? " pin" : " older";
    return `${q.get("limit")}@${q.get("offset")}${bound}`;
  });
}
const pins = new WeakMap<ServedList, string>();
/** The newest startedAt of the list when it was first asked (the walk's pin). */
function pinOf(list: ServedList): string | undefined {
  if (!pins.has(list)) {
    const newest = list.instances()[0]?.startedAt;
    if (newest) pins.set(list, newest);
  }
  return pins.get(list);
}

const query = (request: Request | undefined, name: string) =>
  new URL(request?.url ?? "").searchParams.get(name);
const ids = (list: readonly WorkflowInstance[]) => list.map((i) => i.workflowId);

describe("iterateWorkflowInstances", () => {
  it("defaults to the spec's offset unit (pages); a server that agrees costs no extra request", async () => {
    const { list, instances } = serve(25);
    pinOf(list);
    expect(clientFor(list.handler).client.offsetUnit).toBe("pages");
    const { seen, requests } = await walk(list, { pageSize: 10 });
    expect(ids(seen)).toEqual(ids(instances));
    // Page 2 also shows the unit: a server counting items would repeat page 1 there.
    expect(requests).toEqual(["10@0", "10@1 pin", "10@2 pin"]);
  });

  it.each([
    { name: "0 items", count: 0, pageSize: 10, requests: 1 },
    { name: "a partial last page", count: 25, pageSize: 10, requests: 3 },
    { name: "an exact multiple of the page size", count: 30, pageSize: 10, requests: 4 },
    { name: "fewer items than one page", count: 3, pageSize: 10, requests: 1 },
    { name: "the spec's default page size", count: 150, pageSize: undefined, requests: 2 },
  ])("walks $name: every instance once, newest first", async ({ count, pageSize, requests }) => {
    const { list, instances } = serve(count);
    const result = await walk(list, pageSize === undefined ? {} : { pageSize });
    expect(ids(result.seen)).toEqual(ids(instances));
    expect(result.requests).toHaveLength(requests);
  });

  it.each<OffsetUnit>(["pages", "items"])(
    "walks correctly when client and server agree that offset counts %s",
    async (unit) => {
      const { list, instances } = serve(47, unit);
      expect(ids((await walk(list, { pageSize: 10 }, unit)).seen)).toEqual(ids(instances));
    },
  );

  it("yields neither skips nor repeats when instances are created during the walk", async () => {
    const { list, instances } = serve(35);
    pinOf(list);
    const { client, observed } = clientFor(list.handler);
    const newest = instances[0] as WorkflowInstance;
    const fresh = generateInstances({
      seed: 99,
      accountId,
      definitionId,
      count: 12,
      versions: 1,
      newest: new Date(Date.parse(newest.startedAt) + 3_600_000),
    });
    // Same-instant inserts slip through the pinned startTimeTo and shift the list: the walk drops
    // the repeats they cause (a burst of a page or more moves it to the list strictly older than
    // the pin: see the properties).
    const sameInstant = data(3, 98).map((i) => ({ ...i, startedAt: newest.startedAt }));
    const seen: WorkflowInstance[] = [];
    let page = 0;
    for await (const batch of client.iterateWorkflowInstancePages({
      accountId,
      definitionId,
      pageSize: 10,
    })) {
      seen.push(...batch);
      if (page++ === 0) list.insert([...fresh.slice(0, 6), ...sameInstant]);
      if (page === 2) list.insert(fresh.slice(6));
    }
    expect(ids(seen)).toEqual(ids(instances));
    // Page 2 starts with the 3 instances the inserts pushed down from page 1: dropped, the rest used.
    expect(sent(observed.requests, list)).toEqual(["10@0", "10@1 pin", "10@2 pin", "10@3 pin"]);
  });

  it("yields the starting set of a filter when an older instance enters it during the walk (no PaginationError)", async () => {
    const { list, instances } = serve(60);
    const terminated = instances.filter((i) => i.status === "Terminated");
    // An instance between page 1's 2nd and 3rd Terminated ones, about to end Terminated.
    const [second, third] = [terminated[1], terminated[2]].map((i) =>
      instances.indexOf(i as WorkflowInstance),
    );
    const entering = instances.slice((second as number) + 1, third).find((i) => i.status !== "Terminated");
    expect(entering).toBeDefined();
    const { client, observed } = clientFor(list.handler);
    const seen: WorkflowInstance[] = [];
    let first = true;
    for await (const page of client.iterateWorkflowInstancePages({
      accountId,
      definitionId,
      status: "Terminated",
      pageSize: 3,
    })) {
      seen.push(...page);
      if (first) list.update((entering as WorkflowInstance).workflowId, { status: "Terminated" });
      first = false;
    }
    // It entered above the walk's position, pushing page 2 down by one: that repeat is dropped. A
    // server counting items would start page 2 at page 1's 2nd instance instead.
    expect(ids(seen)).toEqual(ids(terminated));
    expect(observed.requests).toHaveLength(Math.floor(terminated.length / 3) + 1);
  });

  it("keeps walking the version it started on when a new version becomes the latest", async () => {
    const { list, instances } = serve(30);
    const { client } = clientFor(list.handler);
    const seen: WorkflowInstance[] = [];
    let first = true;
    for await (const batch of client.iterateWorkflowInstancePages({
      accountId,
      definitionId,
      pageSize: 10,
    })) {
      seen.push(...batch);
      if (first) list.setLatestVersion(2);
      first = false;
    }
    expect(ids(seen)).toEqual(ids(instances));
  });

  it("keeps a caller's earlier startTimeTo instead of pinning a later one", async () => {
    const { list, instances } = serve(40);
    const cut = (instances[15] as WorkflowInstance).startedAt;
    const { seen, observed } = await walk(list, { pageSize: 10, startTimeTo: cut });
    expect(ids(seen)).toEqual(ids(instances.slice(15)));
    expect(new Set(observed.requests.map((r) => query(r, "startTimeTo")))).toEqual(new Set([cut]));
  });

  it("applies filters to every page", async () => {
    const { list, instances } = serve(120);
    const { seen, observed } = await walk(list, { pageSize: 7, status: "Complete" });
    expect(ids(seen)).toEqual(ids(instances.filter((i) => i.status === "Complete")));
    for (const r of observed.requests) expect(query(r, "status")).toBe("Complete");
  });

  it("stops requesting when the consumer stops iterating", async () => {
    const { list } = serve(100);
    const { client, observed } = clientFor(list.handler);
    for await (const _ of client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 10 })) break;
    expect(observed.requests).toHaveLength(1);
  });
});

describe("maxItems: what the walk requests", () => {
  // Offset in items: the last request asks for exactly what is left. Offset in pages: the page size
  // must divide the position, so the last request is the smallest size >= what is left that does:
  // one request, which may read up to (that size - what is left) instances past maxItems, never
  // yielded. Either way ceil(maxItems / pageSize) page requests.
  it.each<{ unit: OffsetUnit; maxItems: number; pageSize: number; requests: string[] }>([
    { unit: "pages", maxItems: 0, pageSize: 10, requests: [] },
    { unit: "pages", maxItems: 4, pageSize: 10, requests: ["4@0"] },
    { unit: "pages", maxItems: 25, pageSize: 10, requests: ["10@0", "10@1 pin", "5@4 pin"] },
    { unit: "pages", maxItems: 27, pageSize: 10, requests: ["10@0", "10@1 pin", "10@2 pin"] },
    // The case: 40@5 reads items 200-239, 3 past maxItems; never yielded.
    { unit: "pages", maxItems: 237, pageSize: 100, requests: ["100@0", "100@1 pin", "40@5 pin"] },
    // Items: after the check (2@1) the strict list, where the walk stands at 9: exact to maxItems.
    {
      unit: "items",
      maxItems: 27,
      pageSize: 10,
      requests: ["10@0", "2@1 older", "10@9 older", "7@19 older"],
    },
    {
      unit: "items",
      maxItems: 237,
      pageSize: 100,
      requests: ["100@0", "2@1 older", "100@99 older", "37@199 older"],
    },
  ])("$unit, maxItems $maxItems, pageSize $pageSize: $requests", async (c) => {
    const { list, instances } = serve(400, c.unit);
    pinOf(list);
    const { seen, requests } = await walk(list, { pageSize: c.pageSize, maxItems: c.maxItems }, c.unit);
    expect(ids(seen)).toEqual(ids(instances.slice(0, c.maxItems)));
    expect(requests).toEqual(c.requests);
  });
});

describe("what offset counts: a wrong guess is never silent", () => {
  /** Every instance of a definition, by the client's option and what the server counts. */
  async function outcome(
    option: OffsetUnitOption | undefined,
    server: OffsetUnit,
    count: number,
    pageSize: number,
  ) {
    const { list, instances } = serve(count, server, 3);
    const { client, observed } = clientFor(list.handler, option);
    const result = await collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize })).then(
      (seen) => ({ seen }),
      (error: unknown) => ({ error }),
    );
    return { ...result, instances, requests: observed.requests.length, client };
  }

  // The measurements (834 instances, pages of 100): the default client on an items server
  // walked all 834 in 336 requests; `offsetUnit: "items"` on a pages server returned 100 of them.
  it.each<{ option: OffsetUnitOption | undefined; server: OffsetUnit; requests: number; result: string }>([
    { option: undefined, server: "items", requests: 4, result: "PaginationError: items, not pages" },
    { option: "items", server: "pages", requests: 2, result: "PaginationError: pages, not items" },
    { option: "auto", server: "pages", requests: 9, result: "834" },
    { option: "auto", server: "items", requests: 12, result: "834" },
    { option: undefined, server: "pages", requests: 9, result: "834" },
    { option: "items", server: "items", requests: 10, result: "834" },
  ])("offsetUnit $option, a server counting $server: $result after $requests requests", async (c) => {
    const got = await outcome(c.option, c.server, 834, 100);
    if ("error" in got) {
      const error = got.error as PaginationError;
      expect(error).toBeInstanceOf(PaginationError);
      expect(`PaginationError: ${error.observedUnit}, not ${error.assumedUnit}`).toBe(c.result);
      expect(error.problem).toBe("unit-mismatch");
      expect(error.message).toContain(`offsetUnit: "${c.server}" (or "auto")`);
    } else {
      expect(ids(got.seen)).toEqual(ids(got.instances));
      expect(String(got.seen.length)).toBe(c.result);
    }
    expect(got.requests).toBe(c.requests);
  });

  const options: (OffsetUnitOption | undefined)[] = [undefined, "pages", "items", "auto"];
  const sizes = [
    { pageSize: 1, counts: { "smaller than": 0, "equal to": 1, "larger than": 6 } },
    { pageSize: 2, counts: { "smaller than": 1, "equal to": 2, "larger than": 9 } },
    { pageSize: 500, counts: { "smaller than": 120, "equal to": 500, "larger than": 1_100 } },
  ];
  const cases = options.flatMap((option) =>
    (["pages", "items"] as const).flatMap((server) =>
      sizes.flatMap(({ pageSize, counts }) =>
        Object.entries(counts).map(([size, count]) => ({ option, server, pageSize, size, count })),
      ),
    ),
  );

  it.each(cases)(
    "offsetUnit $option, server $server, pageSize $pageSize, a data set $size a page: the whole set, or PaginationError within 4 requests",
    async ({ option, server, pageSize, count }) => {
      const got = await outcome(option, server, count, pageSize);
      const assumed = option ?? "pages";
      const agree = assumed === "auto" || assumed === server;
      // A page size of 1 reads alike in both units; a first page that is not full ends the walk.
      const unitMatters = pageSize >= 2 && count > pageSize;
      if ("error" in got) {
        expect(agree).toBe(false);
        expect(got.error).toBeInstanceOf(PaginationError);
        expect(got.error).toMatchObject({
          problem: "unit-mismatch",
          observedUnit: server,
          assumedUnit: assumed,
        });
        expect(got.requests).toBeLessThanOrEqual(4);
      } else {
        // Never a wrong set: a mismatch that goes unreported is one where the unit made no difference.
        expect(agree || !unitMatters).toBe(true);
        expect(ids(got.seen)).toEqual(ids(got.instances));
        // One request per page (and the short one), plus at most 3 to settle the unit and the pin.
        expect(got.requests).toBeLessThanOrEqual(Math.floor(count / pageSize) + 1 + 3);
      }
      // Settled by a walk whose first page was full (with a page size of 2 or more), unless too short to tell.
      const settles = pageSize >= 2 && count >= pageSize;
      if (assumed !== "auto") expect(got.client.offsetUnit).toBe(assumed);
      else if (unitMatters) expect(got.client.offsetUnit).toBe(server);
      else expect(got.client.offsetUnit).toBe(settles ? got.client.offsetUnit : "auto");
    },
  );

  it.each(
    (["pages", "items"] as const).flatMap((server) =>
      ([undefined, "pages", "items", "auto"] as const).flatMap((option) =>
        [3, 8].map((shared) => ({ server, option, shared })),
      ),
    ),
  )(
    "a first page whose instances share one instant ($shared share it, pages of 3), offsetUnit $option, server $server: the whole set or PaginationError",
    async ({ server, option, shared }) => {
      const generated = data(20, 4);
      const instant = (generated[0] as WorkflowInstance).startedAt;
      const list = serveList(
        generated.map((instance, index) => (index < shared ? { ...instance, startedAt: instant } : instance)),
        server,
      );
      pinOf(list);
      const { client, observed } = clientFor(list.handler, option);
      const result = await collect(
        client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 3 }),
      ).then(
        (seen) => ids(seen),
        (error: unknown) => error,
      );
      const assumed = option ?? "pages";
      // Page 1 has nothing older: whether the instant holds more (limit 1), then the check page
      // after a head page (limit 3), both on the list before that instant.
      expect(sent(observed.requests, list).slice(0, 4)).toEqual([
        "3@0",
        "1@3 instant",
        "3@0 older",
        "2@1 older",
      ]);
      if (assumed === "auto" || assumed === server) expect(result).toEqual(ids(list.instances()));
      else
        expect(result).toMatchObject({
          problem: "unit-mismatch",
          observedUnit: server,
          assumedUnit: assumed,
        });
    },
  );

  it('client.offsetUnit reads "auto" until a walk saw the unit, then that unit; later walks do not check again', async () => {
    const { list, instances } = serve(60, "items");
    const { client, observed } = clientFor(list.handler, "auto");
    expect(client.offsetUnit).toBe("auto");
    // A first page that is not full settles nothing: the walk is over either way.
    await collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 100 }));
    expect(client.offsetUnit).toBe("auto");
    await collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 10 }));
    expect(client.offsetUnit).toBe("items");
    const before = observed.requests.length;
    const seen = await collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 10 }));
    expect(ids(seen)).toEqual(ids(instances));
    // Page 1, then the strict list in items: no check, no realigning.
    expect(sent(observed.requests.slice(before), list)).toEqual([
      "10@0",
      "10@9 older",
      "10@19 older",
      "10@29 older",
      "10@39 older",
      "10@49 older",
      "10@59 older",
    ]);
  });

  it.each<{ option: OffsetUnitOption; server: OffsetUnit; first: string[]; again: string[] }>([
    // Pages assumed: page 2 shows the unit for free, every time.
    {
      option: "pages",
      server: "pages",
      first: ["10@0", "10@1 pin", "10@2 pin"],
      again: ["10@0", "10@1 pin", "10@2 pin"],
    },
    // Items assumed: the check (2@1 on the strict list) once per client.
    {
      option: "items",
      server: "items",
      first: ["10@0", "2@1 older", "10@9 older", "10@19 older"],
      again: ["10@0", "10@9 older", "10@19 older"],
    },
  ])("offsetUnit $option on a server that agrees: the unit is checked once per client", async (c) => {
    const { list } = serve(25, c.server);
    const { client, observed } = clientFor(list.handler, c.option);
    await collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 10 }));
    const first = sent(observed.requests, list);
    await collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 10 }));
    expect(first).toEqual(c.first);
    expect(sent(observed.requests, list).slice(first.length)).toEqual(c.again);
    expect(client.offsetUnit).toBe(c.option);
  });

  it('listWorkflowInstances sends offset as given and checks nothing, also with offsetUnit: "auto"', async () => {
    const { list, instances } = serve(30, "items");
    const { client, observed } = clientFor(list.handler, "auto");
    const page = await client.listWorkflowInstances({ accountId, definitionId, limit: 10, offset: 2 });
    expect(ids(page)).toEqual(ids(instances.slice(2, 12)));
    expect(sent(observed.requests)).toEqual(["10@2"]);
    expect(client.offsetUnit).toBe("auto");
  });

  it("a mismatch is thrown before any instance is handed out", async () => {
    const { list } = serve(50, "pages");
    const { client } = clientFor(list.handler, "items");
    const handed: WorkflowInstance[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const instance of client.iterateWorkflowInstances({
          accountId,
          definitionId,
          pageSize: 10,
        })) {
          handed.push(instance);
        }
      })(),
    );
    expect(error).toBeInstanceOf(PaginationError);
    expect(handed).toEqual([]);
    expect(client.offsetUnit).toBe("items");
  });
});

describe("a server that does not advance with offset", () => {
  const instances = data(3, 5);
  /** Honours limit, ignores offset and the date filters: the same page whatever is asked. */
  const same: FetchHandler = (request) => json(instances.slice(0, Number(query(request, "limit"))));

  it.each<{ option: OffsetUnitOption | undefined; pageSize: number; problem: string; requests: number }>([
    // Page 2 repeats page 1, so the check page decides (after the head of its list): page 1 again.
    { option: undefined, pageSize: 3, problem: "offset-ignored", requests: 4 },
    { option: "items", pageSize: 3, problem: "offset-ignored", requests: 2 },
    { option: "auto", pageSize: 3, problem: "offset-ignored", requests: 4 },
    // A page size of 1 has no check page: page 1's instant check, then 3 pages of nothing new.
    { option: undefined, pageSize: 1, problem: "no-progress", requests: 5 },
  ])(
    "offsetUnit $option, pageSize $pageSize: PaginationError ($problem) after $requests requests",
    async (c) => {
      const { client, observed } = clientFor(same, c.option);
      const error = await rejectionOf(
        collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize: c.pageSize })),
      );
      expect(error).toBeInstanceOf(PaginationError);
      expect((error as PaginationError).problem).toBe(c.problem);
      expect(observed.requests).toHaveLength(c.requests);
    },
  );

  it("a check page that fits neither unit: PaginationError (inconsistent), not a wrong set", async () => {
    const { list } = serve(30);
    // The provider, except that pages of 2 come back oldest first.
    const reversing: FetchHandler = async (request, index) => {
      const response = await list.handler(request, index);
      const page = (await response.json()) as WorkflowInstance[];
      return json(query(request, "limit") === "2" ? page.reverse() : page);
    };
    const { client, observed } = clientFor(reversing, "items");
    const error = await rejectionOf(
      collect(client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 5 })),
    );
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toMatchObject({ problem: "inconsistent", observedUnit: undefined, assumedUnit: "items" });
    expect(observed.requests).toHaveLength(2);
  });
});

describe("iterateWorkflowInstances with prefetch (read-ahead)", () => {
  /** Serves `instances` in pages (offset in pages); `hold(offset)` leaves that request unanswered, or answers 404. */
  function pagedHandler(
    instances: WorkflowInstance[],
    hold: (offset: number) => boolean | "404" = () => false,
  ) {
    const handler: FetchHandler = (request) => {
      const limit = Number(query(request, "limit"));
      const offset = Number(query(request, "offset"));
      const verdict = hold(offset);
      if (verdict === "404") return apiError(404, 1300);
      if (verdict) return hang();
      return json(instances.slice(offset * limit, offset * limit + limit));
    };
    return handler;
  }
  const offsets = (requests: readonly Request[]) => requests.map((r) => Number(query(r, "offset")));

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
    const { list, instances } = serve(95);
    const { seen, observed } = await walk(list, { pageSize: 10, prefetch: 3 });
    expect(ids(seen)).toEqual(ids(instances));
    const sent = offsets(observed.requests);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.filter((o) => o <= 9).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Only read-ahead past the short last page, never more than `prefetch` of them.
    expect(sent.filter((o) => o > 9).length).toBeLessThanOrEqual(3);
  });

  it("reads ahead only once the walk is pinned: page 1 is alone, pages 2.. carry the pin", async () => {
    const { list, instances } = serve(60);
    const { seen, observed } = await walk(list, { pageSize: 10, prefetch: 4 });
    expect(ids(seen)).toEqual(ids(instances));
    const pinned = observed.requests.map((r) => query(r, "startTimeTo"));
    expect(pinned[0]).toBeNull();
    expect(new Set(pinned.slice(1))).toEqual(new Set([(instances[0] as WorkflowInstance).startedAt]));
  });

  it.each<{ unit: OffsetUnit; maxItems: number }>([
    { unit: "pages", maxItems: 25 },
    { unit: "pages", maxItems: 27 },
    { unit: "pages", maxItems: 40 },
    { unit: "items", maxItems: 27 },
  ])("maxItems $maxItems ($unit): the same requests as without read-ahead, none past it", async (c) => {
    const { list, instances } = serve(200, c.unit);
    const sorted = (requests: string[]) => [...requests].sort();
    const sequential = await walk(list, { pageSize: 10, maxItems: c.maxItems }, c.unit);
    const ahead = await walk(list, { pageSize: 10, maxItems: c.maxItems, prefetch: 4 }, c.unit);
    expect(ids(ahead.seen)).toEqual(ids(sequential.seen));
    expect(ids(ahead.seen)).toEqual(ids(instances.slice(0, c.maxItems)));
    expect(sorted(ahead.requests)).toEqual(sorted(sequential.requests));
  });

  it("keeps at most `prefetch` requests in flight, and an early break aborts them", async () => {
    const instances = data(100, 11);
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
    const instances = data(100, 12);
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
    const instances = data(100, 13);
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
    const instances = data(100, 13);
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
    const { list, instances } = serve(50);
    const newest = instances[0] as WorkflowInstance;
    const sameInstant = data(3, 97).map((i) => ({ ...i, startedAt: newest.startedAt }));
    // Page 2 (offset 1) waits at the gate; pages 3 and 4 are answered at once, before the insert.
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { client, observed } = clientFor(async (request, index) => {
      if (query(request, "offset") === "1") await gate;
      return list.handler(request, index);
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
        list.insert(sameInstant);
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

describe("the walk's memory", () => {
  it("RecentIds keeps the last `capacity` ids, in a ring", () => {
    const window = new RecentIds(3);
    for (const id of ["a", "b", "c", "d", "e"]) window.add(id);
    expect(window.size).toBe(3);
    expect(["a", "b", "c", "d", "e"].map((id) => window.has(id))).toEqual([false, false, true, true, true]);
    expect(windowCapacity(10)).toBe(1_000);
    expect(windowCapacity(500)).toBe(1_000);
  });

  // 200 pages, 100 times the window's capacity: it is full after 2 pages, so more pages only cost CPU time
  // (a million made a 0.6 s test time out on a busy machine); `pnpm bench`'s memory run walks a million.
  it("a walk of 100 000 instances remembers at most windowCapacity(pageSize) ids", async () => {
    const total = 100_000;
    const pageSize = 500;
    // Pages made on request, in pages, newest first (page 1 100 ns apart, then one instant a page):
    // only the walk keeps anything.
    const at = (i: number) => `2026-11-01T11:59:59.${String(9_999_999 - i).padStart(7, "0")}Z`;
    const fetchPage: PageFetcher = async ({ limit, offset }) => {
      const page: WorkflowInstance[] = [];
      const start = offset * limit;
      const instant = at(start);
      for (let i = start; i < Math.min(start + limit, total); i++) {
        const startedAt = offset === 0 ? at(i) : instant;
        page.push({ workflowId: `w${i}`, startedAt, version: 1 } as WorkflowInstance);
      }
      return page;
    };
    let pages = 0;
    let largest = 0;
    let yielded = 0;
    for await (const page of walkPages(fetchPage, {
      pageSize,
      maxItems: Number.POSITIVE_INFINITY,
      unit: { option: "pages", observed: undefined },
      startTimeFrom: undefined,
      startTimeTo: undefined,
      version: undefined,
      onPage: ({ windowSize }) => {
        pages++;
        largest = Math.max(largest, windowSize);
      },
    })) {
      yielded += page.length;
    }
    expect(yielded).toBe(total);
    expect(pages).toBe(total / pageSize + 1);
    expect(largest).toBe(windowCapacity(pageSize));
  });
});

describe("judgeOffsetUnit: the check page (limit=2&offset=1) against the head of its list", () => {
  // Ids are letters: page 1 is "abcde"; `known` the head of the checked list, `check` the check page.
  it.each([
    ["it starts at the second", "bcde", false, "cd", "items"],
    ["it starts at the third", "bcde", false, "de", "pages"],
    ["it starts past what is known", "bc", false, "xy", "pages"],
    ["it is the list's head again", "bcd", false, "bc", "ignored"],
    ["it is page 1's head (the bound ignored too)", "bc", false, "ab", "ignored"],
    ["it is out of order", "bcde", false, "ed", "inconsistent"],
    ["the list holds 1 instance", "b", true, "", "unknown"],
    ["the list holds 2 and it is empty", "bc", true, "", "pages"],
    ["the list holds 2 and it has the second", "bc", true, "c", "items"],
  ] as const)("%s: %s %s %s → %s", (_, known, complete, check, evidence) => {
    expect(judgeOffsetUnit([..."abcde"], [...known], complete, [...check])).toBe(evidence);
  });

  it("formatTicks writes an instant with 7 digits that toTicks reads back", () => {
    for (const text of [
      "2021-06-30T03:20:39.3857479Z",
      "1969-12-31T23:59:59.9999999Z",
      "2021-06-30T03:20:39Z",
    ]) {
      const ticks = toTicks(text) as bigint;
      expect(toTicks(formatTicks(ticks - 1n))).toBe(ticks - 1n);
    }
    expect(formatTicks((toTicks("2021-06-30T03:20:39.49Z") as bigint) - 1n)).toBe(
      "2021-06-30T03:20:39.4899999Z",
    );
  });
});
