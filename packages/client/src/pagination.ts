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

export interface WalkOptions {
  pageSize: number;
  maxItems: number;
  offsetUnit: OffsetUnit;
  startTimeTo: string | undefined;
  version: number | undefined;
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

/**
 * Walks the newest-first list page by page until a short page or `maxItems`.
 * Correct while instances are created during the walk: after a full first page, `startTimeTo`
 * is pinned to its newest `startedAt` (the server's clock, not ours) and `version` to the
 * version it returned, so later pages see the starting set; ids of the previous page are
 * dropped if a same-instant insert still shifts the list (a one-page window keeps memory flat).
 */
export async function* walkPages(
  fetchPage: (request: PageRequest) => Promise<WorkflowInstance[]>,
  options: WalkOptions,
): AsyncGenerator<WorkflowInstance[], void, undefined> {
  let position = 0;
  let yielded = 0;
  let previousIds = new Set<string>();
  let pin: Pick<PageRequest, "startTimeTo" | "version"> = {};
  while (yielded < options.maxItems) {
    const limit = nextLimit(position, options.maxItems - yielded, options.pageSize, options.offsetUnit);
    const offset = options.offsetUnit === "items" ? position : position / limit;
    const page = await fetchPage({ limit, offset, ...pin });
    if (position === 0 && page.length === limit) pin = pinFrom(page, options);
    const fresh = page.filter((instance) => !previousIds.has(instance.workflowId));
    // Walking on would request the same page forever (a server ignoring offset, or a static mock).
    if (position > 0 && page.length === limit && fresh.length === 0) throw new PaginationError(offset, limit);
    const taken = fresh.slice(0, options.maxItems - yielded);
    if (taken.length > 0) yield taken;
    yielded += taken.length;
    position += page.length;
    previousIds = new Set(page.map((instance) => instance.workflowId));
    if (page.length < limit) return;
  }
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
