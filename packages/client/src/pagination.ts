import type { OffsetUnit, WorkflowInstance } from "@workflows-kit/types";
import { laterOf } from "@workflows-kit/types";
import { PaginationError } from "./errors.js";

/** The page request the walk asks for next; the only place that knows about offsets. */
export interface PageRequest {
  limit: number;
  offset: number;
  /** Set from the second page on: pins the walk to the set that existed when it started. */
  startTimeTo?: string;
  version?: number;
}

/**
 * Fetches one page. `signal` is set only for pages requested ahead of the consumer: it aborts
 * that request alone (the walk ended first) and follows the caller's signal.
 */
export type PageFetcher = (request: PageRequest, signal?: AbortSignal) => Promise<WorkflowInstance[]>;

export interface WalkOptions {
  pageSize: number;
  maxItems: number;
  offsetUnit: OffsetUnit;
  startTimeTo: string | undefined;
  version: number | undefined;
  /** Pages requested ahead of the one the consumer holds (read-ahead). Default 0: none. */
  prefetch?: number;
  /** The caller's signal; requests made ahead are aborted with it. */
  signal?: AbortSignal | undefined;
}

/**
 * The limit of the next request. With offset in items it is simply what is left. With offset in
 * pages the page size must divide the position, so take the smallest such size that covers it.
 */
function nextLimit(position: number, remaining: number, pageSize: number, unit: OffsetUnit): number {
  if (remaining >= pageSize) return pageSize;
  if (unit === "items") return remaining;
  for (let size = remaining; size < pageSize; size++) if (position % size === 0) return size;
  return pageSize;
}

/** The request the walk makes at `position`, with `yielded` instances handed out so far. */
function requestAt(
  position: number,
  yielded: number,
  pin: Pick<PageRequest, "startTimeTo" | "version">,
  options: WalkOptions,
): PageRequest {
  const limit = nextLimit(position, options.maxItems - yielded, options.pageSize, options.offsetUnit);
  const offset = options.offsetUnit === "items" ? position : position / limit;
  return { limit, offset, ...pin };
}

/**
 * Walks the newest-first list page by page until a short page or `maxItems`.
 * Correct while instances are created during the walk: after a full first page, `startTimeTo`
 * is pinned to its newest `startedAt` (the server's clock, not ours) and `version` to the
 * version it returned, so later pages see the starting set; ids of the previous page are
 * dropped if a same-instant insert still shifts the list (a one-page window keeps memory flat).
 *
 * With `prefetch: n`, once a page is in hand the next n requests the walk would make (assuming
 * full pages) are sent while the consumer works on it. A page is only ever taken from the
 * read-ahead when it is exactly the request the sequential walk makes at that point, so the
 * result and the requests that count are the same as without it; the rest are aborted. Pages
 * fetched ahead can be answered out of order: a shift (repeats) drops them all, since a page
 * answered before the shift but walked after it would skip what the shift pushed down. A skip
 * needs a shift that a walked page saw and a later page did not; the first such shift is
 * always seen as repeats first, and everything requested after it sees it too.
 */
export async function* walkPages(
  fetchPage: PageFetcher,
  options: WalkOptions,
): AsyncGenerator<WorkflowInstance[], void, undefined> {
  const ahead = readAhead(fetchPage, options.prefetch ?? 0, options.signal);
  let position = 0;
  let yielded = 0;
  let previousIds = new Set<string>();
  let pin: Pick<PageRequest, "startTimeTo" | "version"> = {};
  try {
    while (yielded < options.maxItems) {
      const request = requestAt(position, yielded, pin, options);
      const page = await ahead.take(request);
      const { limit, offset } = request;
      if (position === 0 && page.length === limit) pin = pinFrom(page, options);
      const fresh = page.filter((instance) => !previousIds.has(instance.workflowId));
      // Walking on would request the same page forever (a server ignoring offset, or a static mock).
      if (position > 0 && page.length === limit && fresh.length === 0)
        throw new PaginationError(offset, limit);
      // Repeats mean the list shifted between two fetches (a same-instant insert). Pages requested
      // ahead may predate that shift and would then skip instances: request them again.
      if (fresh.length < page.length) ahead.discard();
      const taken = fresh.slice(0, options.maxItems - yielded);
      yielded += taken.length;
      position += page.length;
      previousIds = new Set(page.map((instance) => instance.workflowId));
      const last = page.length < limit || yielded >= options.maxItems;
      // The pin is known from here on (it comes from the first page), so read-ahead starts at page 2.
      if (!last) ahead.plan(position, yielded, pin, options);
      if (taken.length > 0) yield taken;
      if (last) return;
    }
  } finally {
    ahead.cancel();
  }
}

interface Pending {
  request: PageRequest;
  page: Promise<WorkflowInstance[]>;
}

/** The requests made ahead of the consumer, in walk order, and what the walk does with them. */
interface ReadAhead {
  /** The page for `request`: the one requested ahead if it is this request, else fetched now. */
  take(request: PageRequest): Promise<WorkflowInstance[]>;
  /** Keeps the next `depth` requests of the walk in flight, assuming every page until then is full. */
  plan(
    position: number,
    yielded: number,
    pin: Pick<PageRequest, "startTimeTo" | "version">,
    options: WalkOptions,
  ): void;
  /** Aborts every request made ahead; the next plan sends them again. */
  discard(): void;
  /** Aborts every request made ahead (the walk is over); their outcomes are ignored. */
  cancel(): void;
}

function readAhead(fetchPage: PageFetcher, depth: number, signal: AbortSignal | undefined): ReadAhead {
  const queue: Pending[] = [];
  // One controller for the requests in flight ahead; replaced whenever they are dropped.
  let controller = new AbortController();
  const follow = () => controller.abort(signal?.reason);
  const drop = () => {
    if (queue.splice(0).length === 0) return;
    controller.abort();
    controller = new AbortController();
    if (signal?.aborted) follow();
  };
  // The pin never changes after page 1, and page 1 is never requested ahead: limit and offset suffice.
  const same = (a: PageRequest | undefined, b: PageRequest) => a?.limit === b.limit && a.offset === b.offset;
  if (depth > 0) signal?.addEventListener("abort", follow, { once: true });

  return {
    take(request) {
      if (same(queue[0]?.request, request)) return (queue.shift() as Pending).page;
      drop();
      return fetchPage(request);
    },
    plan(position, yielded, pin, options) {
      for (let index = 0; index < depth && yielded < options.maxItems; index++) {
        const request = requestAt(position, yielded, pin, options);
        // What is queued was planned the same way (take() checks each one as it goes).
        if (!queue[index]) {
          const page = fetchPage(request, controller.signal);
          // Handled now, rethrown when the walk takes it: no unhandled rejection if it never does.
          page.catch(() => {});
          queue.push({ request, page });
        }
        position += request.limit;
        yielded += request.limit;
      }
    },
    discard: drop,
    cancel() {
      drop();
      signal?.removeEventListener("abort", follow);
    },
  };
}

function pinFrom(
  page: WorkflowInstance[],
  options: WalkOptions,
): Pick<PageRequest, "startTimeTo" | "version"> {
  const newest = page.map((instance) => instance.startedAt).reduce(laterOf);
  const startTimeTo = options.startTimeTo === undefined ? newest : earlierOf(options.startTimeTo, newest);
  const version = options.version ?? page[0]?.version;
  return version === undefined ? { startTimeTo } : { startTimeTo, version };
}

const earlierOf = (a: string, b: string) => (laterOf(a, b) === b ? a : b);
