import type { OffsetUnit, WorkflowInstance } from "@workflows-kit/types";
import { laterOf, toTicks } from "@workflows-kit/types";
import { PaginationError } from "./errors.js";
import { judgeOffsetUnit, type UnitEvidence } from "./offset-unit.js";
import type { OffsetUnitOption } from "./options.js";

/** A page request of the walk; the walk is the only place that knows about offsets. */
export interface PageRequest {
  limit: number;
  offset: number;
  /** From the second page on: the list the walk is pinned to (see walkPages). */
  startTimeTo?: string;
  /** Only on the request that asks whether more instances share the first page's instant. */
  startTimeFrom?: string;
  version?: number;
}

/**
 * Fetches one page. `signal` is set only for pages requested ahead of the consumer: it aborts
 * that request alone (the walk ended first) and follows the caller's signal.
 */
export type PageFetcher = (request: PageRequest, signal?: AbortSignal) => Promise<WorkflowInstance[]>;

/** What a client knows about its server's offset unit; its walks share it. */
export interface OffsetUnitState {
  /** The `offsetUnit` option (or the spec's unit when none was given). */
  readonly option: OffsetUnitOption;
  /** The unit a walk saw the server count, once seen: later walks do not check again. */
  observed: OffsetUnit | undefined;
}

export interface WalkOptions {
  pageSize: number;
  maxItems: number;
  unit: OffsetUnitState;
  /** The caller's filters on startedAt (strings as they go on the wire). */
  startTimeFrom: string | undefined;
  startTimeTo: string | undefined;
  version: number | undefined;
  /** Pages requested ahead of the one the consumer holds (read-ahead). Default 0: none. */
  prefetch?: number;
  /** The caller's signal; requests made ahead are aborted with it. */
  signal?: AbortSignal | undefined;
  /** Called after each page the walk used, with the number of ids it remembers (a test seam). */
  onPage?: ((state: { windowSize: number }) => void) | undefined;
}

/** The ids a walk remembers: the last `capacity` it yielded (two pages, at least 1 000). */
export const windowCapacity = (pageSize: number) => Math.max(2 * pageSize, 1_000);

/** The last `capacity` ids added, in a ring: a walk's memory stays flat however long it is. */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #ring: string[] = [];
  #oldest = 0;
  constructor(readonly capacity: number) {}
  get size(): number {
    return this.#ids.size;
  }
  has(id: string): boolean {
    return this.#ids.has(id);
  }
  /** Adds an id that is not in the window, forgetting the oldest one when full. */
  add(id: string): void {
    if (this.#ring.length < this.capacity) {
      this.#ring.push(id);
    } else {
      this.#ids.delete(this.#ring[this.#oldest] as string);
      this.#ring[this.#oldest] = id;
      this.#oldest = (this.#oldest + 1) % this.capacity;
    }
    this.#ids.add(id);
  }
}

/** The instances of `page` not in `window` (nor earlier in the page), added to it. */
function admit(page: readonly WorkflowInstance[], window: RecentIds): WorkflowInstance[] {
  const fresh: WorkflowInstance[] = [];
  for (const instance of page) {
    if (window.has(instance.workflowId)) continue;
    window.add(instance.workflowId);
    fresh.push(instance);
  }
  return fresh;
}

const TICKS_PER_SECOND = 10_000_000n;
// An unreadable timestamp sorts first, as in compareTimestamps.
const ticksOf = (timestamp: string) => toTicks(timestamp) ?? -1n;
const earlierOf = (a: string, b: string) => (laterOf(a, b) === b ? a : b);
const idsOf = (page: readonly WorkflowInstance[]) => page.map((instance) => instance.workflowId);

/** A timestamp with all 7 digits, for an instant no instance of the list was seen at. */
export function formatTicks(ticks: bigint): string {
  const fraction = ((ticks % TICKS_PER_SECOND) + TICKS_PER_SECOND) % TICKS_PER_SECOND;
  const seconds = Number((ticks - fraction) / TICKS_PER_SECOND);
  const whole = new Date(seconds * 1000).toISOString().slice(0, -5);
  return `${whole}.${fraction.toString().padStart(7, "0")}Z`;
}

/**
 * With offset in pages, the limit of a page starting at `start` that covers `need` instances: the
 * page size must divide the start, so the smallest such size from `need` up (`pageSize` divides
 * every start the walk uses).
 */
function pagesLimit(start: number, need: number, pageSize: number): number {
  for (let size = need; size < pageSize; size++) if (start % size === 0) return size;
  return pageSize;
}

/** A full page that brought nothing new is tolerated this often in a row while the list may shift. */
const MAX_STALLS = 3;

/**
 * Where a walk is. Until its first page is in it knows nothing; then it pins `version` and the
 * *loose* list, `startTimeTo` = the newest `startedAt` of page 1 (the server's clock). An instance
 * created at that very instant still enters it and shifts it: the walk notices (a page holding an
 * instance it already yielded, or one of that instant), drops the page and moves to the *strict*
 * list, `startTimeTo` = the newest `startedAt` older than the pin, which nothing created later can
 * enter. Its position there is the instances older than the pin walked so far. The strict list is
 * used from the start when that costs nothing (offset in items, or a position the page size
 * divides); with offset in pages the loose list saves the realigning request on most walks.
 */
class Walk {
  readonly pageSize: number;
  readonly maxItems: number;
  /** The unit requests are made in: the observed one, else the option (pages while "auto" is open). */
  unit: OffsetUnit;
  mode: "loose" | "strict" = "loose";
  /** The next position in the current list. */
  position = 0;
  yielded = 0;
  /** Instances older than the pin in the pages used so far: the position in the strict list. */
  older = 0;
  pin: { text: string; ticks: bigint } | undefined;
  version: number | undefined;
  /** `startTimeTo` of the strict list, known once every instance at the pin's instant is known. */
  strictBound: string | undefined;
  /** The next page also shows the unit (pages assumed, not seen yet): the ids to judge it by. */
  probe: { first: string[]; older: string[] } | undefined;
  stalls = 0;

  constructor(
    readonly fetchPage: PageFetcher,
    readonly options: WalkOptions,
  ) {
    this.pageSize = options.pageSize;
    this.maxItems = options.maxItems;
    const { option, observed } = options.unit;
    this.unit = observed ?? (option === "auto" ? "pages" : option);
  }

  get remaining(): number {
    return this.maxItems - this.yielded;
  }

  /** The request at `position` of the current list for `remaining` instances. */
  requestAt(position: number, remaining: number): PageRequest {
    const bound = this.bound();
    if (this.unit === "items")
      return { limit: Math.min(this.pageSize, remaining), offset: position, ...bound };
    // In pages, a position the page size does not divide is read from the page holding it.
    const start = position - (position % this.pageSize);
    const limit = pagesLimit(start, position - start + remaining, this.pageSize);
    return { limit, offset: start / limit, ...bound };
  }

  request(): PageRequest {
    return this.requestAt(this.position, this.remaining);
  }

  /** The next `count` requests, assuming every page until then is full. */
  upcoming(count: number): PageRequest[] {
    const requests: PageRequest[] = [];
    let position = this.position;
    let yielded = this.yielded;
    while (requests.length < count && yielded < this.maxItems) {
      const request = this.requestAt(position, this.maxItems - yielded);
      requests.push(request);
      position = this.startOf(request) + request.limit;
      yielded += request.limit;
    }
    return requests;
  }

  startOf(request: PageRequest): number {
    return this.unit === "items" ? request.offset : request.offset * request.limit;
  }

  bound(): Pick<PageRequest, "startTimeTo" | "version"> {
    if (!this.pin) return {};
    const startTimeTo = this.mode === "strict" ? (this.strictBound as string) : this.pin.text;
    return this.version === undefined ? { startTimeTo } : { startTimeTo, version: this.version };
  }

  /**
   * After a full first page with more to come: pins the walk, learns whether page 1 holds every
   * instance of its newest instant, and checks the offset unit once per client. False when page 1
   * was the whole walk.
   */
  async settle(first: WorkflowInstance[]): Promise<boolean> {
    const newest = first.map((instance) => instance.startedAt).reduce(laterOf);
    const { startTimeTo, startTimeFrom } = this.options;
    const text = startTimeTo === undefined ? newest : earlierOf(startTimeTo, newest);
    this.pin = { text, ticks: ticksOf(text) };
    this.version = this.options.version ?? first[0]?.version;
    const older: string[] = [];
    let newestOlder: { text: string; ticks: bigint } | undefined;
    for (const instance of first) {
      const ticks = ticksOf(instance.startedAt);
      if (ticks >= this.pin.ticks) continue;
      older.push(instance.workflowId);
      if (!newestOlder || ticks > newestOlder.ticks) newestOlder = { text: instance.startedAt, ticks };
    }
    this.older = older.length;
    if (newestOlder) {
      this.strictBound = newestOlder.text;
    } else {
      // All of page 1 shares one instant: does it hold more? (Limit 1 reads one position in either unit.)
      const rest = await this.fetchPage({
        limit: 1,
        offset: first.length,
        startTimeFrom: text,
        ...this.bound(),
      });
      if (rest.length === 0) {
        const before = this.pin.ticks - 1n;
        // Nothing older matches the caller's startTimeFrom: page 1 was the whole walk.
        if (startTimeFrom !== undefined && ticksOf(startTimeFrom) > before) return false;
        this.strictBound = formatTicks(before);
      }
    }
    if (this.pageSize >= 2 && this.options.unit.observed === undefined) {
      // The next page shows the unit for free when pages are assumed and page 1 closes its instant.
      if (this.older > 0 && this.unit === "pages") this.probe = { first: idsOf(first), older };
      else this.learn(await this.checkUnit(idsOf(first), older));
    }
    if (this.strictBound !== undefined && (this.unit === "items" || this.older % this.pageSize === 0)) {
      this.toStrict();
    }
    return true;
  }

  /**
   * Reads `limit=2&offset=1` of a list nothing can enter (strictly older than the pin) and judges it
   * against the head of that list: page 1's older instances, or a `limit=3` page when fewer than 2.
   */
  async checkUnit(first: string[], older: string[]): Promise<UnitEvidence> {
    const pin = this.pin as { text: string; ticks: bigint };
    let bound = this.strictBound;
    let known = older;
    if (bound === undefined) {
      // The pin's instant is still open: the instant before it, unless the caller's filter starts at it.
      const before = pin.ticks - 1n;
      const from = this.options.startTimeFrom;
      if (from === undefined || ticksOf(from) <= before) bound = formatTicks(before);
      else [bound, known] = [pin.text, first];
    }
    const request =
      this.version === undefined ? { startTimeTo: bound } : { startTimeTo: bound, version: this.version };
    let complete = false;
    if (known.length < 2) {
      const head = await this.fetchPage({ limit: 3, offset: 0, ...request });
      [known, complete] = [idsOf(head), head.length < 3];
    }
    const check = await this.fetchPage({ limit: 2, offset: 1, ...request });
    return judgeOffsetUnit(first, known, complete, idsOf(check));
  }

  /** Takes what a check showed: the unit (adopted, or a mismatch thrown), or a server that cannot be walked. */
  learn(evidence: UnitEvidence): void {
    const { unit } = this.options;
    const at = { offset: 1, limit: 2, assumedUnit: unit.option };
    if (evidence === "items" || evidence === "pages") {
      if (unit.option !== "auto" && unit.option !== evidence) {
        throw new PaginationError({ problem: "unit-mismatch", ...at, observedUnit: evidence });
      }
      unit.observed = evidence;
      this.unit = evidence;
    } else if (evidence === "ignored") {
      throw new PaginationError({ problem: "offset-ignored", ...at });
    } else if (evidence === "inconsistent") {
      throw new PaginationError({ problem: "inconsistent", ...at });
    }
    // "unknown": the list is too short for the units to differ; nothing to learn.
  }

  toStrict(): void {
    this.mode = "strict";
    this.position = this.older;
  }

  /** Whether `page` shows that the loose list moved since the pages before it (then it is not used). */
  shifted(page: readonly WorkflowInstance[], window: RecentIds): boolean {
    if (this.mode !== "loose" || this.strictBound === undefined) return false;
    const head = page[0];
    // Page 1 holds its instant whole, so an instance of that instant here was created since.
    if (head && ticksOf(head.startedAt) >= (this.pin as { ticks: bigint }).ticks) return true;
    return page.some((instance) => window.has(instance.workflowId));
  }

  /** The loose list moved: settle the unit if this page was to show it, then walk the strict list. */
  async onShift(): Promise<void> {
    if (this.probe) {
      const { first, older } = this.probe;
      this.probe = undefined;
      this.learn(await this.checkUnit(first, older));
    }
    this.toStrict();
  }

  /** A page used as is: the walk moves past it. */
  used(page: readonly WorkflowInstance[], request: PageRequest, fresh: number): void {
    // An unmoved list shows pages only when offset counts pages (limit 1 reads alike in both units).
    if (this.probe && request.limit >= 2) this.learn("pages");
    this.probe = undefined;
    this.position = this.startOf(request) + page.length;
    if (this.mode === "loose") this.countOlder(page);
    if (page.length === request.limit && fresh === 0) {
      // The strict list cannot have moved: the server did not advance. The loose one may, a few times.
      if (this.mode === "strict" || ++this.stalls >= MAX_STALLS) {
        throw new PaginationError({
          problem: "no-progress",
          offset: request.offset,
          limit: request.limit,
          assumedUnit: this.options.unit.option,
        });
      }
    } else {
      this.stalls = 0;
    }
  }

  /** Counts the instances older than the pin; the first ones close the pin's instant. */
  countOlder(page: readonly WorkflowInstance[]): void {
    if (this.strictBound !== undefined) {
      // Every instance of the pin's instant is known, and a page holding one is not used.
      this.older += page.length;
      return;
    }
    const pin = this.pin as { ticks: bigint };
    let newestOlder: { text: string; ticks: bigint } | undefined;
    for (const instance of page) {
      const ticks = ticksOf(instance.startedAt);
      if (ticks >= pin.ticks) continue;
      this.older++;
      if (!newestOlder || ticks > newestOlder.ticks) newestOlder = { text: instance.startedAt, ticks };
    }
    if (newestOlder) {
      this.strictBound = newestOlder.text;
      if (this.unit === "items") this.toStrict();
    }
  }
}

/**
 * Walks the newest-first list page by page until a short page or `maxItems`, yielding each
 * instance once. Correct while instances are created during the walk: after a full first page
 * the walk is pinned (see Walk) and remembers the ids it yielded last (a bounded window), so a
 * page repeating them, a page holding one twice, or a list shifted by a burst of any size yields
 * nothing twice and skips nothing.
 *
 * The offset unit is checked once per client (`unit`), on the first walk whose first page is full
 * with a page size of 2 or more: with pages assumed the second page shows it for free (a server
 * counting items repeats page 1 there); otherwise, or when that page shows repeats, a
 * `limit=2&offset=1` page of the strict list is judged against its head. A mismatch with the
 * option throws PaginationError; `"auto"` adopts what it saw.
 *
 * With `prefetch: n`, once a page is in hand the next n requests the walk would make (assuming
 * full pages) are sent while the consumer works on it. A page is only ever taken from the
 * read-ahead when it is exactly the request the walk makes at that point (bound included), so the
 * result is the same as without it; the rest are aborted. Pages are judged in walk order, so a
 * page answered before a shift and one answered after it are told apart, and moving to the strict
 * list drops everything requested ahead on the loose one.
 */
export async function* walkPages(
  fetchPage: PageFetcher,
  options: WalkOptions,
): AsyncGenerator<WorkflowInstance[], void, undefined> {
  const walk = new Walk(fetchPage, options);
  const window = new RecentIds(windowCapacity(options.pageSize));
  const depth = options.prefetch ?? 0;
  const ahead = readAhead(fetchPage, depth, options.signal);
  try {
    if (options.maxItems <= 0) return;
    const firstRequest = walk.request();
    const first = await fetchPage(firstRequest);
    const fresh = admit(first, window);
    let last = first.length < firstRequest.limit || fresh.length >= options.maxItems;
    // The unit check and the pin come before page 1 is handed out: a mismatch yields nothing.
    if (!last) last = !(await walk.settle(first));
    if (walk.mode === "loose") walk.position = first.length;
    const taken = fresh.slice(0, options.maxItems);
    walk.yielded = taken.length;
    options.onPage?.({ windowSize: window.size });
    // The pin is known from here on, so read-ahead starts at page 2.
    if (!last) ahead.plan(walk.upcoming(depth));
    if (taken.length > 0) yield taken;
    if (last) return;

    while (true) {
      const request = walk.request();
      const page = await ahead.take(request);
      if (walk.shifted(page, window)) {
        await walk.onShift();
        // Pages requested ahead were on the loose list: request them again on the strict one.
        ahead.discard();
        continue;
      }
      const fresh = admit(page, window);
      walk.used(page, request, fresh.length);
      const taken = fresh.slice(0, walk.remaining);
      walk.yielded += taken.length;
      options.onPage?.({ windowSize: window.size });
      const last = page.length < request.limit || walk.remaining <= 0;
      if (!last) ahead.plan(walk.upcoming(depth));
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
  /** Keeps these next requests of the walk in flight (the queue holds a prefix of them). */
  plan(requests: PageRequest[]): void;
  /** Aborts every request made ahead; the next plan sends them again. */
  discard(): void;
  /** Aborts every request made ahead (the walk is over); their outcomes are ignored. */
  cancel(): void;
}

const sameRequest = (a: PageRequest | undefined, b: PageRequest) =>
  a !== undefined &&
  a.limit === b.limit &&
  a.offset === b.offset &&
  a.startTimeTo === b.startTimeTo &&
  a.startTimeFrom === b.startTimeFrom &&
  a.version === b.version;

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
  if (depth > 0) signal?.addEventListener("abort", follow, { once: true });

  return {
    take(request) {
      if (sameRequest(queue[0]?.request, request)) return (queue.shift() as Pending).page;
      drop();
      return fetchPage(request);
    },
    plan(requests) {
      // What is queued was planned the same way (take() checks each one as it goes).
      for (const request of requests.slice(queue.length, depth)) {
        const page = fetchPage(request, controller.signal);
        // Handled now, rethrown when the walk takes it: no unhandled rejection if it never does.
        page.catch(() => {});
        queue.push({ request, page });
      }
    },
    discard: drop,
    cancel() {
      drop();
      signal?.removeEventListener("abort", follow);
    },
  };
}
