import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { generateInstances, type Provider, startProvider } from "@workflows-kit/provider";
import type { OffsetUnit, WorkflowInstance } from "@workflows-kit/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createWorkflowsClient,
  InvalidParameterError,
  type IterateWorkflowInstancesInput,
  NotFoundError,
  PaginationError,
  WorkflowsAbortError,
} from "../src/index.js";
import { rejectionOf, sendJson } from "./support/fixtures.js";
import { startServer, type TestServer } from "./support/server.js";

const accountId = "acme";
const definitionId = "5870442f-3ddd-4657-b74c-6e17308f5230";
let provider: Provider | undefined;

afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

async function serve(count: number, offsetUnit?: OffsetUnit) {
  const instances = generateInstances({ seed: count + 7, accountId, definitionId, count, versions: 1 });
  provider = await startProvider({
    definitions: [{ definitionId, accountId, instances }],
    ...(offsetUnit ? { offsetUnit } : {}),
  });
  return { provider, instances };
}

async function walk(
  p: Provider,
  params: Partial<IterateWorkflowInstancesInput> = {},
  offsetUnit?: OffsetUnit,
) {
  const client = createWorkflowsClient({
    apiKey: "test-key",
    baseUrl: p.url,
    ...(offsetUnit ? { offsetUnit } : {}),
  });
  const seen: WorkflowInstance[] = [];
  for await (const instance of client.iterateWorkflowInstances({ accountId, definitionId, ...params })) {
    seen.push(instance);
  }
  return seen;
}

/** limit/offset of every request the provider saw, in order. */
function pageRequests(p: Provider) {
  return p.requests.map((r) => {
    const q = new URL(r.url, "http://x").searchParams;
    return { limit: Number(q.get("limit")), offset: Number(q.get("offset")) };
  });
}

const ids = (list: WorkflowInstance[]) => list.map((i) => i.workflowId);

describe("iterateWorkflowInstances", () => {
  it("defaults to the spec's offset unit (pages) and counts offset in pages", async () => {
    const { provider: p, instances } = await serve(25);
    const client = createWorkflowsClient({ apiKey: "k", baseUrl: p.url });
    expect(client.offsetUnit).toBe("pages");
    expect(ids(await walk(p, { pageSize: 10 }))).toEqual(ids(instances));
    expect(pageRequests(p)).toEqual([
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
    const { provider: p, instances } = await serve(count);
    const seen = await walk(p, pageSize === undefined ? {} : { pageSize });
    expect(ids(seen)).toEqual(ids(instances));
    expect(p.requests).toHaveLength(requests);
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
    const { provider: p, instances } = await serve(60, c.unit);
    const seen = await walk(p, { pageSize: c.pageSize, maxItems: c.maxItems }, c.unit);
    expect(ids(seen)).toEqual(ids(instances.slice(0, c.maxItems)));
    expect(pageRequests(p).map(({ limit, offset }) => ({ limit, offset }))).toEqual(c.requests);
  });

  it.each<OffsetUnit>(["pages", "items"])(
    "walks correctly when client and server agree that offset counts %s",
    async (unit) => {
      const { provider: p, instances } = await serve(47, unit);
      expect(ids(await walk(p, { pageSize: 10 }, unit))).toEqual(ids(instances));
    },
  );

  it("yields neither skips nor repeats when instances are created during the walk", async () => {
    const { provider: p, instances } = await serve(35);
    const client = createWorkflowsClient({ apiKey: "k", baseUrl: p.url });
    const newest = instances[0] as WorkflowInstance;
    const fresh = generateInstances({
      seed: 99,
      accountId,
      definitionId,
      count: 12,
      versions: 1,
      newest: new Date(),
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
      if (page++ === 0) p.insertInstances(definitionId, [...fresh.slice(0, 6), ...sameInstant]);
      if (page === 2) p.insertInstances(definitionId, fresh.slice(6));
    }
    expect(ids(seen)).toEqual(ids(instances));
    const later = p.requests.slice(1).map((r) => new URL(r.url, "http://x").searchParams.get("startTimeTo"));
    expect(new Set(later)).toEqual(new Set([newest.startedAt]));
  });

  it("keeps walking the version it started on when a new version becomes the latest", async () => {
    const { provider: p, instances } = await serve(30);
    const client = createWorkflowsClient({ apiKey: "k", baseUrl: p.url });
    const seen: WorkflowInstance[] = [];
    let first = true;
    for await (const batch of client.iterateWorkflowInstancePages({
      accountId,
      definitionId,
      pageSize: 10,
    })) {
      seen.push(...batch);
      if (first) p.setDefinition({ definitionId, accountId, latestVersion: 2, instances });
      first = false;
    }
    expect(ids(seen)).toEqual(ids(instances));
  });

  it("keeps a caller's earlier startTimeTo instead of pinning a later one", async () => {
    const { provider: p, instances } = await serve(40);
    const cut = (instances[15] as WorkflowInstance).startedAt;
    const seen = await walk(p, { pageSize: 10, startTimeTo: cut });
    expect(ids(seen)).toEqual(ids(instances.slice(15)));
    const sent = p.requests.map((r) => new URL(r.url, "http://x").searchParams.get("startTimeTo"));
    expect(new Set(sent)).toEqual(new Set([cut]));
  });

  it("applies filters to every page", async () => {
    const { provider: p, instances } = await serve(120);
    const seen = await walk(p, { pageSize: 7, status: "Complete" });
    expect(ids(seen)).toEqual(ids(instances.filter((i) => i.status === "Complete")));
    for (const r of p.requests)
      expect(new URL(r.url, "http://x").searchParams.get("status")).toBe("Complete");
  });

  it("stops requesting when the consumer stops iterating", async () => {
    const { provider: p } = await serve(100);
    const client = createWorkflowsClient({ apiKey: "k", baseUrl: p.url });
    for await (const _ of client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 10 })) break;
    expect(p.requests).toHaveLength(1);
  });
});

describe("a server that does not advance with offset", () => {
  it("throws PaginationError instead of walking forever", async () => {
    const instances = generateInstances({ seed: 5, accountId, definitionId, count: 3, versions: 1 });
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(instances)); // the same full page whatever the offset
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createWorkflowsClient({ apiKey: "k", baseUrl: `http://127.0.0.1:${port}` });
      const walk = async () => {
        for await (const _ of client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 3 })) {
          // drain
        }
      };
      await expect(walk()).rejects.toThrow(PaginationError);
      await expect(walk()).rejects.toThrow(/offset 1 \(limit 3\) repeated the previous page/);
    } finally {
      server.close();
    }
  });
});

// Generous bounds: on a loaded machine (a cold `pnpm test` runs many suites at once) a request can take a while.
const WAIT = { timeout: 15_000, interval: 5 };

describe("iterateWorkflowInstances with prefetch (read-ahead)", { timeout: 30_000 }, () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const pageOf = (url: string) => {
    const q = new URL(url, "http://x").searchParams;
    return { limit: Number(q.get("limit")), offset: Number(q.get("offset") ?? 0) };
  };
  const byPosition = (list: { limit: number; offset: number }[]) =>
    [...list].sort((a, b) => a.offset * a.limit - b.offset * b.limit || a.limit - b.limit);

  /** Serves `instances` in pages (offset in pages); `hold(offset)` true leaves that request unanswered. */
  async function pagedServer(
    instances: WorkflowInstance[],
    hold: (offset: number) => boolean | "404" = () => false,
  ) {
    const held: { offset: number; closed: Promise<void> }[] = [];
    server = await startServer((req, res) => {
      const { limit, offset } = pageOf(req.url ?? "");
      const verdict = hold(offset);
      if (verdict === "404") {
        return sendJson(res, 404, { code: 1300, message: "gone", errorId: "e", timestamp: "t" });
      }
      if (verdict) {
        held.push({ offset, closed: new Promise((resolve) => res.on("close", () => resolve())) });
        return;
      }
      sendJson(res, 200, instances.slice(offset * limit, offset * limit + limit));
    });
    return { server, held };
  }

  it("yields every instance once, in order, requesting each page at most once", async () => {
    const { provider: p, instances } = await serve(95);
    const seen = await walk(p, { pageSize: 10, prefetch: 3 });
    expect(ids(seen)).toEqual(ids(instances));
    const offsets = pageRequests(p).map((r) => r.offset);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets.filter((o) => o <= 9).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Only read-ahead past the short last page, never more than `prefetch` of them.
    expect(offsets.filter((o) => o > 9).length).toBeLessThanOrEqual(3);
  });

  it("reads ahead only once the walk is pinned: page 1 is alone, pages 2.. carry the pin", async () => {
    const { provider: p, instances } = await serve(60);
    expect(ids(await walk(p, { pageSize: 10, prefetch: 4 }))).toEqual(ids(instances));
    const pins = p.requests.map((r) => new URL(r.url, "http://x").searchParams.get("startTimeTo"));
    expect(pins[0]).toBeNull();
    expect(new Set(pins.slice(1))).toEqual(new Set([(instances[0] as WorkflowInstance).startedAt]));
  });

  it.each<{ unit: OffsetUnit; maxItems: number }>([
    { unit: "pages", maxItems: 25 },
    { unit: "pages", maxItems: 27 },
    { unit: "pages", maxItems: 40 },
    { unit: "items", maxItems: 27 },
  ])("maxItems $maxItems ($unit): the same requests as without read-ahead, none past it", async (c) => {
    const { provider: p, instances } = await serve(200, c.unit);
    const sequential = await walk(p, { pageSize: 10, maxItems: c.maxItems }, c.unit);
    const expected = pageRequests(p);
    p.requests.length = 0;
    const seen = await walk(p, { pageSize: 10, maxItems: c.maxItems, prefetch: 4 }, c.unit);
    expect(ids(seen)).toEqual(ids(sequential));
    expect(ids(seen)).toEqual(ids(instances.slice(0, c.maxItems)));
    expect(byPosition(pageRequests(p))).toEqual(byPosition(expected));
  });

  it("keeps at most `prefetch` requests in flight, and an early break aborts them", async () => {
    const instances = generateInstances({ seed: 11, accountId, definitionId, count: 100, versions: 1 });
    const { server: s, held } = await pagedServer(instances, (offset) => offset > 0);
    const client = createWorkflowsClient({ apiKey: "k", baseUrl: s.url });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      let count = 0;
      for await (const _ of client.iterateWorkflowInstances({
        accountId,
        definitionId,
        pageSize: 10,
        prefetch: 3,
      })) {
        if (count++ === 0) await vi.waitFor(() => expect(held).toHaveLength(3), WAIT);
        if (count === 5) break;
      }
      expect(held.map((h) => h.offset).sort()).toEqual([1, 2, 3]);
      // The break returns at once and every request made ahead is torn down.
      await Promise.all(held.map((h) => h.closed));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rejections).toEqual([]);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });

  it("the caller's AbortSignal cancels requests in flight ahead", async () => {
    const instances = generateInstances({ seed: 12, accountId, definitionId, count: 100, versions: 1 });
    const { server: s, held } = await pagedServer(instances, (offset) => offset > 0);
    const client = createWorkflowsClient({ apiKey: "k", baseUrl: s.url });
    const controller = new AbortController();
    const walkAll = async () => {
      const pages = client.iterateWorkflowInstancePages(
        { accountId, definitionId, pageSize: 10, prefetch: 2 },
        { signal: controller.signal },
      );
      for await (const _ of pages) {
        await vi.waitFor(() => expect(held).toHaveLength(2), WAIT);
        controller.abort(new Error("user cancelled"));
      }
    };
    const error = await rejectionOf(walkAll());
    expect(error).toBeInstanceOf(WorkflowsAbortError);
    expect(((error as Error).cause as Error).message).toBe("user cancelled");
    await Promise.all(held.map((h) => h.closed));
  });

  it("a page that failed ahead surfaces when the walk reaches it, after every page before it", async () => {
    const instances = generateInstances({ seed: 13, accountId, definitionId, count: 100, versions: 1 });
    const { server: s } = await pagedServer(instances, (offset) => (offset === 2 ? "404" : false));
    const client = createWorkflowsClient({ apiKey: "k", baseUrl: s.url, maxRetries: 0 });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      const seen: WorkflowInstance[] = [];
      const walkAll = async () => {
        const walk = client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 10, prefetch: 3 });
        for await (const instance of walk) {
          seen.push(instance);
          // Slow consumer: the failing page is answered long before the walk gets to it.
          if (seen.length === 1)
            await vi.waitFor(() => expect(s.requests.length).toBeGreaterThanOrEqual(4), WAIT);
        }
      };
      expect(await rejectionOf(walkAll())).toBeInstanceOf(NotFoundError);
      expect(ids(seen)).toEqual(ids(instances.slice(0, 20)));

      // A consumer that stops before the failed page never sees its error, and nothing is unhandled.
      let count = 0;
      for await (const _ of client.iterateWorkflowInstances({
        accountId,
        definitionId,
        pageSize: 10,
        prefetch: 3,
      })) {
        if (count === 0) await vi.waitFor(() => expect(s.requests.length).toBeGreaterThanOrEqual(8), WAIT);
        if (++count === 15) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rejections).toEqual([]);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });

  it("stays exact when a page fetched ahead was answered before a same-instant insert", async () => {
    const { provider: p, instances } = await serve(50);
    const newest = instances[0] as WorkflowInstance;
    const sameInstant = generateInstances({ seed: 97, accountId, definitionId, count: 3, versions: 1 }).map(
      (i) => ({ ...i, startedAt: newest.startedAt }),
    );
    // Page 2 (offset 1) waits at the gate; pages 3 and 4 are answered at once, before the insert.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const answered = new Set<number>();
    const client = createWorkflowsClient({
      apiKey: "k",
      baseUrl: p.url,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const { offset } = pageOf(request.url);
        if (offset === 1) await gate;
        const response = await fetch(request);
        answered.add(offset);
        return response;
      },
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
        await vi.waitFor(() => expect([...answered].sort()).toEqual([0, 2, 3]), WAIT);
        p.insertInstances(definitionId, sameInstant);
        open();
      }
    }
    expect(ids(seen)).toEqual(ids(instances));
  });

  it.each([-1, 1.5, 17, Number.NaN])("rejects prefetch %s", async (prefetch) => {
    const client = createWorkflowsClient({ apiKey: "k", baseUrl: "http://127.0.0.1:9" });
    const error = await rejectionOf(
      (async () => {
        for await (const _ of client.iterateWorkflowInstances({ accountId, definitionId, prefetch })) break;
      })(),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe("prefetch");
  });
});
