import type { OffsetUnit, WorkflowInstance } from "@workflows-kit/types";
import { laterOf, toTicks } from "@workflows-kit/types";
import { PaginationError, type PaginationProblem } from "./errors.js";
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
  startTimeFrom?: string | undefined;
  startTimeTo?: string | undefined;
  version?: number | undefined;
  /** Pages requested ahead of the one the consumer holds (read-ahead). Default 0: none. */
  prefetch?: number;
  /** The caller's signal; requests made ahead are aborted with it. */
  signal?: AbortSignal | undefined;
  /** Called after each page the walk used, with the number of ids it remembers (a test seam). */
  onPage?: ((state: { windowSize: number }) => void) | undefined;
}

/** The ids a walk remembers: the last `capacity` it yielded (two pages, at least 1 000). */
export const windowCapacity = (pageSize: number) => Math.max(2 * pageSize, 1_000);

/** A set of the last `capacity` ids added: a walk's memory stays flat however long it is. */
export class RecentIds extends Set<string> {
  constructor(readonly capacity: number) {
    super();
  }
  /** Adds an id, forgetting the oldest one when full. */
  override add(id: string): this {
    super.add(id);
    // A Set iterates in insertion order: its first id is the oldest.
    if (this.size > this.capacity) this.delete(this.values().next().value as string);
    return this;
  }
}

const TICKS_PER_SECOND = 10_000_000n;
// An unreadable timestamp sorts first, as in compareTimestamps.
const ticksOf = (timestamp: string) => toTicks(timestamp) ?? -1n;
const idsOf = (page: readonly WorkflowInstance[]) => page.map((instance) => instance.workflowId);

/** A timestamp with all 7 digits, for an instant no instance of the list was seen at. */
export function formatTicks(ticks: bigint): string {
  const fraction = ((ticks % TICKS_PER_SECOND) + TICKS_PER_SECOND) % TICKS_PER_SECOND;
  const seconds = Number((ticks - fraction) / TICKS_PER_SECOND);
  return `${new Date(seconds * 1000).toISOString().slice(0, -5)}.${`${fraction}`.padStart(7, "0")}Z`;
}

/** A full page that brought nothing new is tolerated this often in a row while the list may shift. */
const MAX_STALLS = 3;

/**
 * Walks the newest-first list page by page until a short page or `maxItems`, yielding each
 * instance once (an id window remembers the last ones yielded: repeats and a page holding one
 * twice yield nothing twice).
 *
 * After a full first page the walk pins `version` and the *loose* list: `startTimeTo` = the newest
 * `startedAt` of page 1 (the server's clock). An instance created at that very instant (or one
 * entering an older position of a filtered list) still pushes it down: a page then starts with
 * instances already yielded. A page that is exactly that (repeats, then new instances; at most a
 * page of repeats per walk) is used without them. Anything else, the walk drops the page and moves
 * to the *strict* list, `startTimeTo` = the newest `startedAt` older than the pin, which nothing
 * created later can enter, at the number of older instances it yielded. It starts there when that
 * costs nothing (offset in items, or a position the page size divides). If page 1 holds nothing
 * older, one `limit=1` request asks whether its instant holds more: if not, it is closed.
 *
 * The offset unit is checked once per client (`unit`), on the first walk whose first page is full
 * with a page size of 2 or more: with pages assumed the second page shows it for free (a server
 * counting items starts it at page 1's 2nd instance); otherwise, or when that page starts where
 * such a server would, a `limit=2&offset=1` page of the strict list is judged against its head. A
 * mismatch with the option throws PaginationError; `"auto"` adopts what it saw. The check page
 * comes before page 1 is yielded.
 *
 * With `prefetch: n`, once a page is in hand the next n requests the walk would make (assuming
 * full pages) are sent while the consumer works on it. A page is only ever taken from the
 * read-ahead when it is exactly the request the walk makes at that point (bound included), so the
 * result is the same as without it. Pages are judged in walk order; a page showing the list moved
 * drops everything requested ahead, which may predate the move and skip what it pushed down.
 */
export async function* walkPages(
  fetchPage: PageFetcher,
  options: WalkOptions,
): AsyncGenerator<WorkflowInstance[], void, undefined> {
  const { pageSize, maxItems, unit: known, startTimeFrom, prefetch = 0, onPage } = options;
  const window = new RecentIds(windowCapacity(pageSize));
  const ahead = readAhead(fetchPage, prefetch, options.signal);
  // The unit requests are made in: the one seen, else the option (pages while "auto" is open).
  let unit: OffsetUnit = known.observed ?? (known.option === "auto" ? "pages" : known.option);
  let strict = false;
  /** The next position in the list the walk is on. */
  let position = 0;
  let yielded = 0;
  /** New instances older than the pin so far: the position in the strict list. */
  let older = 0;
  let pin = "";
  let pinTicks = 0n;
  let version: number | undefined;
  /** `startTimeTo` of the strict list, once every instance of the pin's instant is known. */
  let bound: string | undefined;
  /** Page 1's ids, and those of its instances older than the pin (the head of the strict list). */
  let firstIds: string[] = [];
  let olderIds: string[] = [];
  /** Page 2 also shows the unit (pages assumed, not seen yet). */
  let probing = false;
  let repeats = 0;
  let stalls = 0;

  const pinned = (startTimeTo: string) =>
    version === undefined ? { startTimeTo } : { startTimeTo, version };
  const startOf = (request: PageRequest) =>
    unit === "items" ? request.offset : request.offset * request.limit;
  /** An instance of the pin's instant (or a later one). */
  const atPin = (instance?: WorkflowInstance) =>
    instance !== undefined && ticksOf(instance.startedAt) >= pinTicks;
  const toStrict = () => {
    strict = true;
    position = older;
  };
  const fail = (problem: PaginationProblem, request = { offset: 1, limit: 2 }, observedUnit?: OffsetUnit) =>
    new PaginationError({ problem, ...request, assumedUnit: known.option, observedUnit });

  /** The request at `at` of the current list for `left` instances. */
  function requestAt(at: number, left: number): PageRequest {
    const on = pin ? pinned(strict ? (bound as string) : pin) : {};
    if (unit === "items") return { limit: Math.min(pageSize, left), offset: at, ...on };
    // In pages the page size must divide the start: a position it does not divide is read from the
    // page holding it, and a last page shorter than pageSize is the smallest size dividing its start.
    const start = at - (at % pageSize);
    let limit = Math.min(at - start + left, pageSize);
    while (start % limit) limit++;
    return { limit, offset: start / limit, ...on };
  }

  /** The next `count` requests, assuming every page until then is full. */
  function upcoming(count: number): PageRequest[] {
    const requests: PageRequest[] = [];
    for (let at = position, done = yielded; requests.length < count && done < maxItems; ) {
      const request = requestAt(at, maxItems - done);
      requests.push(request);
      at = startOf(request) + request.limit;
      done += request.limit;
    }
    return requests;
  }

  /** Counts the instances older than the pin and takes the newest of them as the strict list's bound; their ids. */
  function countOlder(instances: WorkflowInstance[]): string[] {
    const ids: string[] = [];
    let newest = -1n;
    for (const { workflowId, startedAt } of instances) {
      const ticks = ticksOf(startedAt);
      if (ticks >= pinTicks) continue;
      ids.push(workflowId);
      if (ticks > newest) [newest, bound] = [ticks, startedAt];
    }
    older += ids.length;
    return ids;
  }

  /**
   * Reads `limit=2&offset=1` of a list nothing created later can enter (strictly older than the pin)
   * and judges it against the head of that list: page 1's older instances when page 1 was the last
   * request (`recent`) and holds 2 of them, else a `limit=3` page read just before; learns what it shows.
   */
  async function checkUnit(recent: boolean): Promise<void> {
    let on = bound;
    let head = olderIds;
    if (on === undefined) {
      // The pin's instant is still open: the instant before it, unless the caller's filter starts at it.
      const before = pinTicks - 1n;
      if (startTimeFrom === undefined || ticksOf(startTimeFrom) <= before) on = formatTicks(before);
      else [on, head] = [pin, firstIds];
    }
    let complete = false;
    if (head.length < 2 || !recent) {
      const page = await fetchPage({ limit: 3, offset: 0, ...pinned(on) });
      [head, complete] = [idsOf(page), page.length < 3];
    }
    const check = await fetchPage({ limit: 2, offset: 1, ...pinned(on) });
    learn(judgeOffsetUnit(firstIds, head, complete, idsOf(check)));
  }

  /** Takes what a check showed: the unit (adopted, or a mismatch thrown), or a server not to walk. */
  function learn(evidence: UnitEvidence): void {
    if (evidence === "items" || evidence === "pages") {
      if (known.option !== "auto" && known.option !== evidence)
        throw fail("unit-mismatch", undefined, evidence);
      known.observed = unit = evidence;
    } else if (evidence !== "unknown") {
      throw fail(evidence === "ignored" ? "offset-ignored" : "inconsistent");
    }
    // "unknown": the list is too short for the units to differ; nothing to learn.
  }

  /**
   * After a full first page with more to come: pins the walk, learns whether page 1 holds every
   * instance of its newest instant, and checks the offset unit. False when page 1 was the walk.
   */
  async function settle(first: WorkflowInstance[]): Promise<boolean> {
    const newest = first.map((instance) => instance.startedAt).reduce(laterOf);
    const to = options.startTimeTo;
    pin = to === undefined || laterOf(to, newest) === to ? newest : to;
    pinTicks = ticksOf(pin);
    version = options.version ?? first[0]?.version;
    firstIds = idsOf(first);
    olderIds = countOlder(first);
    if (!older) {
      // All of page 1 shares one instant: does it hold more? (Limit 1 reads one position in either unit.)
      const more = await fetchPage({ limit: 1, offset: first.length, startTimeFrom: pin, ...pinned(pin) });
      if (!more.length) {
        // Nothing older matches the caller's startTimeFrom: page 1 was the whole walk.
        if (startTimeFrom !== undefined && ticksOf(startTimeFrom) >= pinTicks) return false;
        bound = formatTicks(pinTicks - 1n);
      }
    }
    if (pageSize > 1 && !known.observed) {
      // Page 2 shows the unit for free when pages are assumed and page 1 closes its instant.
      if (older && unit === "pages") probing = true;
      else await checkUnit(true);
    }
    if (bound !== undefined && (unit === "items" || older % pageSize === 0)) toStrict();
    return true;
  }

  /**
   * What `page` says about the loose list: `"clean"` (it did not move, or the walk is past caring),
   * `"repeats"` (it moved and the page shows how: use it without its repeats), `"moved"` (drop it
   * and walk the strict list).
   */
  async function judge(
    page: WorkflowInstance[],
    request: PageRequest,
  ): Promise<"clean" | "repeats" | "moved"> {
    if (strict || bound === undefined) return "clean";
    let lead = page.findIndex((instance) => !window.has(instance.workflowId));
    if (lead < 0) lead = page.length;
    const later = page.slice(lead).some((instance) => window.has(instance.workflowId));
    // Page 1 holds its instant whole, so an instance of that instant here was created since.
    const head = page[lead];
    const newcomer = atPin(head);
    if (!lead && !later && !newcomer) return "clean";
    if (probing) {
      probing = false;
      // A server counting items starts this page at page 1's instance number `offset`; so does a list
      // pushed down by instances of the pin's instant, which the check page (strict list) ignores.
      const start = firstIds.indexOf(page[0]?.workflowId as string);
      if (start <= 0 || start === request.offset || later || page.some(atPin)) {
        await checkUnit(false);
        return "moved";
      }
    }
    if (!later && !newcomer && (head || page.length < request.limit) && repeats + lead <= pageSize) {
      repeats += lead;
      return "repeats";
    }
    return "moved";
  }

  /** A page used: the walk moves past it; `fresh` are the instances it had not yielded. */
  function used(page: WorkflowInstance[], request: PageRequest, fresh: WorkflowInstance[]): void {
    position = startOf(request) + page.length;
    if (!strict) {
      // Every instance of the pin's instant is known once it is closed (a page starting with one is not used).
      if (bound !== undefined) older += fresh.length;
      else {
        countOlder(fresh);
        // The first instances older than the pin close its instant: in items the strict list costs nothing.
        if (bound !== undefined && unit === "items") toStrict();
      }
    }
    if (page.length === request.limit && !fresh.length) {
      // The strict list cannot have moved: the server did not advance. The loose one may, a few times.
      if (strict || ++stalls >= MAX_STALLS) throw fail("no-progress", request);
    } else stalls = 0;
  }

  /** The instances of `page` not yet yielded (nor earlier in the page), remembered. */
  function admit(page: WorkflowInstance[]): WorkflowInstance[] {
    const fresh: WorkflowInstance[] = [];
    for (const instance of page) {
      if (window.has(instance.workflowId)) continue;
      window.add(instance.workflowId);
      fresh.push(instance);
    }
    return fresh;
  }

  try {
    if (maxItems <= 0) return;
    let request = requestAt(0, maxItems);
    let page = await fetchPage(request);
    let fresh = admit(page);
    // The pin, and the check page when it cannot wait for page 2, come before page 1 is handed out.
    let last = page.length < request.limit || fresh.length >= maxItems || !(await settle(page));
    if (!strict) position = page.length;
    while (true) {
      const taken = fresh.slice(0, maxItems - yielded);
      yielded += taken.length;
      onPage?.({ windowSize: window.size });
      last ||= yielded >= maxItems;
      // The pin is known from here on, so read-ahead starts at page 2.
      if (!last) ahead.plan(upcoming(prefetch));
      if (taken.length) yield taken;
      if (last) return;
      for (;;) {
        request = requestAt(position, maxItems - yielded);
        page = await ahead.take(request);
        const verdict = await judge(page, request);
        // Pages requested ahead may predate the move (and skip what it pushed down): request them again.
        if (verdict !== "clean") ahead.discard();
        if (verdict !== "moved") break;
        toStrict();
      }
      // Page 2 that did not move shows pages (limit 1 reads alike in both units).
      if (probing && request.limit > 1) learn("pages");
      probing = false;
      fresh = admit(page);
      used(page, request, fresh);
      last = page.length < request.limit;
    }
  } finally {
    ahead.cancel();
  }
}

interface Pending {
  /** The request, serialised (`requestAt` builds every request alike, so equal ones serialise alike). */
  key: string;
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

const keyOf = (request: PageRequest) => JSON.stringify(request);

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
      if (queue[0]?.key === keyOf(request)) return (queue.shift() as Pending).page;
      drop();
      return fetchPage(request);
    },
    plan(requests) {
      // What is queued was planned the same way (take() checks each one as it goes).
      for (const request of requests.slice(queue.length, depth)) {
        const page = fetchPage(request, controller.signal);
        // Handled now, rethrown when the walk takes it: no unhandled rejection if it never does.
        page.catch(() => {});
        queue.push({ key: keyOf(request), page });
      }
    },
    discard: drop,
    cancel() {
      drop();
      signal?.removeEventListener("abort", follow);
    },
  };
}
