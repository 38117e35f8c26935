// Property-based tests (fast-check, fixed seed so a failure reproduces; bounded runs and time):
// query serialization as the requests go out, validation naming the broken parameter, and the walk
// against the reference provider in memory, also while instances are created during it. An
// observed fetch throughout: no socket.
import { generateInstances } from "@workflows-kit/provider";
import { createObservedFetch, json } from "@workflows-kit/testing";
import {
  listWorkflowInstancesParameters,
  type OffsetUnit,
  toTicks,
  type WorkflowInstance,
  workflowStatuses,
} from "@workflows-kit/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createWorkflowsClient,
  InvalidParameterError,
  type IterateWorkflowInstancesInput,
  type ListWorkflowInstancesInput,
} from "../src/index.js";
import { serveList } from "./support/fixtures.js";

/** Fixed, so a failure reproduces: `fc.assert` reports this seed and the counterexample's path. */
const SEED = 20_261_127;
fc.configureGlobal({ seed: SEED, numRuns: 100 });
/**
 * Each property stops after this long, even below its numRuns, so the suite stays within its 10 s
 * on a loaded machine (idle, every property completes its runs well within it).
 */
const timeLimit = (ms: number) => ({ plugins: [fc.interruptAfterTimeLimit(ms)] });

const apiKey = "prop-test-key";
const accountId = "acme";
const definitionId = "5870442f-3ddd-4657-b74c-6e17308f5230";
const { limit, offset, version } = listWorkflowInstancesParameters;

// ── Arbitraries derived from the spec's constraints ─────────────────────────────────────────────

/** Seconds since the epoch that keep a local time in 0100–9999 whatever the offset (±1 day margin). */
const MIN_SECONDS = Date.UTC(100, 0, 2) / 1000;
const MAX_SECONDS = Date.UTC(9999, 11, 30) / 1000;

/** An RFC 3339 timestamp as the spec allows it, with the instant it names in 100 ns ticks. */
interface Stamp {
  text: string;
  ticks: bigint;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** 0–7 fractional digits, `Z` or an offset from -23:59 to +23:59, years 0100–9999. */
const timestamp: fc.Arbitrary<Stamp> = fc
  .record({
    seconds: fc.integer({ min: MIN_SECONDS, max: MAX_SECONDS }),
    digits: fc.integer({ min: 0, max: 7 }),
    fraction: fc.integer({ min: 0, max: 9_999_999 }),
    offsetMinutes: fc.option(fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }), { nil: undefined }),
  })
  .map(({ seconds, digits, fraction, offsetMinutes }) => {
    const local = new Date((seconds + (offsetMinutes ?? 0) * 60) * 1000).toISOString().slice(0, 19);
    const digitsText = pad(fraction, 7).slice(0, digits);
    const zone =
      offsetMinutes === undefined
        ? "Z"
        : `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
    return {
      text: `${local}${digits > 0 ? `.${digitsText}` : ""}${zone}`,
      ticks: BigInt(seconds) * 10_000_000n + BigInt(digitsText.padEnd(7, "0")),
    };
  });

/** A Date filter, sent as `toISOString()`. */
const dateObject = fc
  .date({ min: new Date(MIN_SECONDS * 1000), max: new Date(MAX_SECONDS * 1000), noInvalidDate: true })
  .map((date) => ({ value: date, text: date.toISOString(), ticks: BigInt(date.getTime()) * 10_000n }));

/** A date filter as a caller passes it, and what must arrive on the wire. */
const dateInput = fc.oneof(
  {
    weight: 4,
    arbitrary: timestamp.map((s) => ({ value: s.text as string | Date, text: s.text, ticks: s.ticks })),
  },
  { weight: 1, arbitrary: dateObject },
);

/** Any non-empty string a URL can carry (no lone surrogates), other than the dot-segments. */
const pathId = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 24 }),
    fc.string({ unit: "binary", minLength: 1, maxLength: 12 }),
    fc.constantFrom("a/b", "a b", "a+b", "%", "%2e", "?x=1#y", "...", "./", "é", "😀", " "),
  )
  .filter((s) => s !== "." && s !== "..");

const uuid = fc.uuid().chain((id) => fc.constantFrom(id, id.toUpperCase()));

interface ValidCase {
  params: ListWorkflowInstancesInput;
  /** What the query must parse back to (strings unchanged, numbers in decimal, Dates as toISOString). */
  query: Record<string, string>;
}

const valid: fc.Arbitrary<ValidCase> = fc
  .record(
    {
      accountId: pathId,
      definitionId: uuid,
      limit: fc.integer({ min: limit.schema.minimum, max: limit.schema.maximum }),
      offset: fc.oneof(fc.integer({ min: offset.schema.minimum, max: 10_000 }), fc.maxSafeNat()),
      version: fc.oneof(
        fc.integer({ min: version.schema.minimum, max: 50 }),
        fc.maxSafeInteger().filter((v) => v >= 1),
      ),
      status: fc.constantFrom(...workflowStatuses),
      from: dateInput,
      to: dateInput,
    },
    { requiredKeys: ["accountId", "definitionId"] },
  )
  .map(({ from, to, ...rest }) => {
    // The spec's one cross-constraint: startTimeFrom <= startTimeTo.
    const [early, late] = from && to && from.ticks > to.ticks ? [to, from] : [from, to];
    const params: Record<string, unknown> = { ...rest };
    const query: Record<string, string> = {};
    for (const name of ["limit", "offset", "version", "status"] as const) {
      if (rest[name] !== undefined) query[name] = String(rest[name]);
    }
    if (early) {
      params.startTimeFrom = early.value;
      query.startTimeFrom = early.text;
    }
    if (late) {
      params.startTimeTo = late.value;
      query.startTimeTo = late.text;
    }
    return { params: params as ListWorkflowInstancesInput, query };
  });

/** A timestamp that breaks the spec's date-time, each a near miss of a valid one. */
const badTimestamp = fc.oneof(
  timestamp.map((s) => s.text.replace(/(Z|[+-]\d\d:\d\d)$/, "")), // no zone
  timestamp.map((s) => s.text.replace("T", " ")),
  timestamp.map((s) => s.text.replace("T", "t")),
  timestamp.map((s) => s.text.replace(/Z$/, "z")).filter((t) => t.endsWith("z")),
  timestamp.map((s) => s.text.replace(/(:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/, "$1.12345678$3")), // 8 digits
  timestamp.map((s) => s.text.replace(/([+-]\d\d):(\d\d)$/, "$1$2")).filter((t) => !/(Z|:\d\d)$/.test(t)),
  timestamp.map((s) => s.text.replace(/^(\d{4})-\d\d/, "$1-13")), // month 13
  timestamp.map((s) => s.text.replace(/^(\d{4}-\d\d)-\d\d/, "$1-32")), // day 32
  fc.constantFrom("2021-02-30T00:00:00Z", "2021-04-31T00:00:00Z", "2023-02-29T12:00:00Z"),
  timestamp.map((s) => s.text.replace(/T\d\d/, "T24")),
  timestamp.map((s) => s.text.replace(/T(\d\d):\d\d/, "T$1:60")),
  timestamp.map((s) => `${s.text}x`),
  fc.constantFrom("", "now", "2021-06-30", "1625023239"),
  fc.string({ maxLength: 30 }).filter((s) => !/^\d{4}-\d\d-\d\dT/.test(s)),
);

const notAnInteger = fc.oneof(
  fc.double({ noInteger: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "10", null, true),
);
const unsafe = fc.constantFrom(2 ** 53, 1e21, Number.MAX_VALUE);
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KNOWN = new Set(Object.keys(listWorkflowInstancesParameters));

/** Exactly one parameter broken; `parameter` is the name InvalidParameterError must give. */
type Mutation = { parameter: string; apply: (params: Record<string, unknown>) => void };
const set =
  (name: string) =>
  (value: unknown): Mutation => ({
    parameter: name,
    apply: (params) => {
      params[name] = value;
    },
  });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom("", ".", "..", "a\uD800b", "\uDC00").map(set("accountId")),
  fc
    .string({ maxLength: 40 })
    .filter((s) => !UUID.test(s))
    .map(set("definitionId")),
  uuid.map((id) => `${id}0`).map(set("definitionId")),
  fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 501 }), notAnInteger, unsafe).map(set("limit")),
  fc.oneof(fc.integer({ max: -1 }), notAnInteger, unsafe).map(set("offset")),
  fc.oneof(fc.integer({ max: 0 }), notAnInteger, unsafe).map(set("version")),
  fc
    .string({ maxLength: 20 })
    .filter((s) => !(workflowStatuses as readonly string[]).includes(s))
    .map(set("status")),
  fc.constantFrom("complete", "COMPLETE", "Completed", " Complete").map(set("status")),
  badTimestamp.map(set("startTimeFrom")),
  badTimestamp.map(set("startTimeTo")),
  fc.constant(new Date(Number.NaN)).map(set("startTimeFrom")),
  fc.constant(new Date(Number.NaN)).map(set("startTimeTo")),
  // from > to: both valid, in the wrong order; the error names startTimeFrom.
  fc
    .tuple(timestamp, timestamp)
    .filter(([a, b]) => a.ticks !== b.ticks)
    .map(([a, b]): [Stamp, Stamp] => (a.ticks > b.ticks ? [a, b] : [b, a]))
    .map(([late, early]) => ({
      parameter: "startTimeFrom",
      apply: (params: Record<string, unknown>) => {
        params.startTimeFrom = late.text;
        params.startTimeTo = early.text;
      },
    })),
  // An unknown parameter (Object.prototype names are covered by their own test below).
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((name) => !KNOWN.has(name) && !(name in Object.prototype))
    .map((name) => ({
      parameter: name,
      apply: (params: Record<string, unknown>) => {
        Object.defineProperty(params, name, {
          value: 1,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      },
    })),
);

// ── Serialization and validation ────────────────────────────────────────────────────────────────

const capture = createObservedFetch(() => json([]));

/** What one request looked like on the wire: the path's segments and the parsed query. */
function received(index: number) {
  const request = capture.requests[index];
  if (!request) throw new Error(`no request #${index}`);
  const url = new URL(request.url);
  const segments = url.pathname.split("/");
  return {
    /** The fixed segments around the two ids. */
    fixed: [0, 1, 2, 3, 5, 7].map((i) => segments[i]),
    segments: segments.length,
    accountId: decodeURIComponent(segments[4] ?? ""),
    definitionId: decodeURIComponent(segments[6] ?? ""),
    query: Object.fromEntries(url.searchParams),
    keys: [...url.searchParams.keys()],
  };
}

/** A page request goes out the same way from a list and from a walk's first page. */
const kinds = ["list", "walk"] as const;
type Kind = (typeof kinds)[number];

const client = createWorkflowsClient({
  apiKey,
  baseUrl: "http://workflows.test",
  fetch: capture.fetch,
  maxRetries: 0,
});

async function send(kind: Kind, params: ListWorkflowInstancesInput) {
  if (kind === "list") return client.listWorkflowInstances(params);
  const { limit: pageSize, offset: _offset, ...filters } = params;
  const walk: IterateWorkflowInstancesInput = { ...filters, pageSize };
  for await (const _ of client.iterateWorkflowInstances(walk)) {
    // the capture answers [] : one request
  }
}

describe("query serialization (property)", () => {
  it.each(kinds)("every valid parameter set reaches the server unchanged (%s)", async (kind) => {
    await fc.assert(
      fc.asyncProperty(valid, async ({ params, query }) => {
        const before = capture.requests.length;
        await send(kind, params);
        expect(capture.requests.length).toBe(before + 1);
        const got = received(before);
        // The ids are one path segment each, whatever they contain.
        expect(got.segments).toBe(8);
        expect(got.fixed).toEqual(["", "api", "v1", "accounts", "definitions", "workflows"]);
        expect(got.accountId).toBe(params.accountId);
        expect(got.definitionId).toBe(params.definitionId);
        let expected = query;
        if (kind === "walk") {
          // The walk owns limit/offset: its first request is limit = pageSize (default 100), offset 0.
          const { offset: _o, limit: pageSize = String(limit.schema.default), ...filters } = query;
          expected = { ...filters, limit: pageSize, offset: "0" };
        }
        expect(got.query).toEqual(expected);
        expect(new Set(got.keys).size).toBe(got.keys.length); // no parameter twice
      }),
      { numRuns: 150, ...timeLimit(1_000) },
    );
  });

  it("a parameter set with one broken constraint: InvalidParameterError names it, and nothing is sent", async () => {
    await fc.assert(
      fc.asyncProperty(valid, mutation, async ({ params }, broken) => {
        const bad: Record<string, unknown> = { ...params };
        broken.apply(bad);
        const before = capture.requests.length;
        let error: unknown;
        try {
          await client.listWorkflowInstances(bad as unknown as ListWorkflowInstancesInput);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(InvalidParameterError);
        expect((error as InvalidParameterError).parameter).toBe(broken.parameter);
        expect(capture.requests.length).toBe(before);
      }),
      { numRuns: 400, ...timeLimit(1_000) },
    );
  });

  it("a walk with a broken pageSize or maxItems: InvalidParameterError names the option, and nothing is sent", async () => {
    const option = fc.oneof(
      fc
        .oneof(fc.integer({ max: 0 }), fc.integer({ min: 501 }), notAnInteger)
        .map((value) => ({ name: "pageSize", value })),
      fc
        .oneof(fc.integer({ max: -1 }), notAnInteger)
        .filter((value) => value !== Number.POSITIVE_INFINITY) // the default: no cap
        .map((value) => ({ name: "maxItems", value })),
    );
    await fc.assert(
      fc.asyncProperty(valid, option, async ({ params }, { name, value }) => {
        const { limit: _l, offset: _o, ...filters } = params;
        const before = capture.requests.length;
        const walk = async () => {
          for await (const _ of client.iterateWorkflowInstances({ ...filters, [name]: value })) {
            // nothing: it must throw first
          }
        };
        const error = await walk().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(InvalidParameterError);
        expect((error as InvalidParameterError).parameter).toBe(name);
        expect(capture.requests.length).toBe(before);
      }),
      { numRuns: 100, ...timeLimit(1_000) },
    );
  });

  // Regressions of two fixed bugs.
  it("a timestamp in years 0000–0099 is ordered correctly (toTicks once read 0050 as 1950)", async () => {
    await client.listWorkflowInstances({
      accountId,
      definitionId,
      startTimeFrom: "0050-01-01T00:00:00Z",
      startTimeTo: "1949-01-01T00:00:00Z",
    });
  });

  it("an unknown parameter named like an Object.prototype member is rejected (toString)", async () => {
    const before = capture.requests.length;
    const params = { accountId, definitionId };
    Object.defineProperty(params, "toString", { value: 1, enumerable: true });
    const error = await client.listWorkflowInstances(params).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(capture.requests.length).toBe(before);
    expect((error as InvalidParameterError).parameter).toBe("toString");
  });
});

// ── Pagination ──────────────────────────────────────────────────────────────────────────────────

/**
 * The reference provider in memory counting `unit`, serving `count` fresh instances (one version);
 * returns the instances as it orders them, a client assuming the same unit, and its requests.
 */
function serveData(unit: OffsetUnit, count: number, seed: number) {
  const list = serveList(
    generateInstances({ seed, accountId, definitionId, count, versions: 1, meanGapMs: 5_000 }),
    unit,
  );
  const observed = createObservedFetch(list.handler);
  const client = createWorkflowsClient({
    apiKey,
    baseUrl: "http://workflows.test",
    fetch: observed.fetch,
    offsetUnit: unit,
    maxRetries: 0,
  });
  return { list, client, data: list.instances(), requests: () => observed.requests };
}

const ids = (list: readonly WorkflowInstance[]) => list.map((i) => i.workflowId);
const ticks = (timestamp: string) => toTicks(timestamp) ?? -1n;

/**
 * Where each request starts in the list as the walk started (`data`), and how many it asked for:
 * a bound older than the newest instance drops the instances above it from the server's list.
 */
function requestedRanges(requests: readonly Request[], unit: OffsetUnit, data: readonly WorkflowInstance[]) {
  return requests.map((r) => {
    const q = new URL(r.url).searchParams;
    const limit = Number(q.get("limit"));
    const offset = Number(q.get("offset"));
    const to = q.get("startTimeTo");
    const above = to === null ? 0 : data.filter((i) => ticks(i.startedAt) > ticks(to)).length;
    const listStart = unit === "items" ? offset : offset * limit;
    return { start: listStart + above, listStart, limit };
  });
}

/**
 * The requests a walk makes besides its pages, on a list nobody changes: with a full first page
 * and more to come, a page size of 1 asks whether more instances share page 1's instant when page 1
 * has nothing older; a page size of 2+ checks the offset unit (pages assumed: page 2 shows it for
 * free; items: the check page, after a head page when page 1 holds fewer than 2 older instances).
 */
function extraRequests(unit: OffsetUnit, data: readonly WorkflowInstance[], pageSize: number) {
  const newest = data[0];
  if (!newest) return 0;
  const older = data.slice(0, pageSize).filter((i) => ticks(i.startedAt) < ticks(newest.startedAt)).length;
  const instantCheck = older === 0 ? 1 : 0;
  if (pageSize === 1) return instantCheck;
  if (unit === "pages" && older > 0) return 0;
  return instantCheck + (older < 2 ? 1 : 0) + 1;
}

const walkShape = fc.record({
  unit: fc.constantFrom<OffsetUnit>("items", "pages"),
  count: fc.integer({ min: 0, max: 300 }),
  pageSize: fc.integer({ min: 1, max: 50 }),
  maxItems: fc.option(fc.integer({ min: 0, max: 320 }), { nil: undefined }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  // Read-ahead (mostly off, the default): the same result, with extra requests made ahead.
  prefetch: fc.constantFrom(0, 0, 1, 2, 4),
});

describe("the walk (property, against the reference provider in memory)", () => {
  it("yields every instance exactly once, in order; its pages are contiguous, maxItems caps them as documented", async () => {
    await fc.assert(
      fc.asyncProperty(walkShape, async ({ unit, count, pageSize, maxItems, seed, prefetch }) => {
        const { client, data, requests } = serveData(unit, count, seed);
        const seen: WorkflowInstance[] = [];
        const walk = {
          accountId,
          definitionId,
          pageSize,
          prefetch,
          ...(maxItems === undefined ? {} : { maxItems }),
        };
        for await (const instance of client.iterateWorkflowInstances(walk)) seen.push(instance);
        const cap = maxItems ?? Number.POSITIVE_INFINITY;
        expect(ids(seen)).toEqual(ids(data.slice(0, cap)));
        // Read-ahead sends (and aborts) requests past the end: the request checks are for the plain walk.
        if (prefetch > 0) return;

        // The walk's page size (never more than maxItems), and the requests besides its pages.
        const size = Math.min(pageSize, Math.max(1, cap));
        const continues = count >= size && cap > size;
        const extra = continues ? extraRequests(unit, data, size) : 0;
        const all = requestedRanges(requests(), unit, data);
        const pages = [...all.slice(0, 1), ...all.slice(1 + extra)];
        // One request per page, and the short (maybe empty) one unless maxItems ends the walk first.
        const needed = cap === 0 ? 0 : cap < count ? Math.ceil(cap / size) : Math.floor(count / size) + 1;
        expect(pages).toHaveLength(needed);
        // Each page starts where the previous one ended: nothing skipped, nothing asked twice.
        let position = 0;
        for (const page of pages) {
          expect(page.start).toBe(position);
          position += Math.min(page.limit, Math.max(0, count - page.start));
          // maxItems: in items the last page asks for exactly what is left; in pages for the smallest
          // size at least that which divides where it starts (never more than the page size).
          const left = cap - page.start;
          if (unit === "items" || left >= size) expect(page.limit).toBe(Math.min(size, left));
          else {
            const smallest = Array.from({ length: size - left + 1 }, (_, i) => left + i).find(
              (s) => page.listStart % s === 0,
            );
            expect(page.limit).toBe(smallest);
          }
        }
      }),
      { numRuns: 120, ...timeLimit(1_500) },
    );
  });

  /**
   * Inserts between pages: `newer` instances started after the walk's first page, and `sameInstant`
   * ones started at its pinned startedAt (the newest at the start). Returns what the walk yielded
   * and the instances that existed when it started.
   */
  async function walkWithInserts(
    unit: OffsetUnit,
    count: number,
    pageSize: number,
    seed: number,
    inserts: { newer: number; sameInstant: number }[],
    prefetch = 0,
  ) {
    const { list, client, data } = serveData(unit, count, seed);
    const pin = data[0]?.startedAt;
    const seen: WorkflowInstance[] = [];
    let page = 0;
    // Bounded: a walk that re-reads shifted pages could otherwise go on as long as inserts do.
    const maxPages = count + 2;
    const walk = { accountId, definitionId, pageSize, prefetch };
    for await (const batch of client.iterateWorkflowInstancePages(walk)) {
      seen.push(...batch);
      const insert = inserts[page % inserts.length];
      page++;
      if (page > maxPages) throw new Error(`the walk did not end after ${maxPages} pages`);
      if (!insert || pin === undefined) continue;
      const batchSeed = seed * 1_000 + page;
      const newer = generateInstances({
        seed: batchSeed,
        accountId,
        definitionId,
        count: insert.newer,
        versions: 1,
        newest: new Date(Date.parse("2030-01-01T00:00:00Z") + page * 60_000),
      });
      const sameInstant = generateInstances({
        seed: batchSeed + 500,
        accountId,
        definitionId,
        count: insert.sameInstant,
        versions: 1,
      }).map((instance) => ({ ...instance, startedAt: pin }));
      list.insert([...newer, ...sameInstant]);
    }
    return { seen, data };
  }

  it("with instances created between pages (newer, and same-instant fewer than a page): no starting instance missed or repeated", async () => {
    const shape = fc.integer({ min: 1, max: 50 }).chain((pageSize) =>
      fc.record({
        unit: fc.constantFrom<OffsetUnit>("items", "pages"),
        count: fc.integer({ min: 0, max: 300 }),
        pageSize: fc.constant(pageSize),
        seed: fc.integer({ min: 1, max: 1_000_000 }),
        // Read-ahead too: pages requested before a same-instant insert and answered after it.
        prefetch: fc.constantFrom(0, 0, 2),
        inserts: fc.array(
          fc.record({
            newer: fc.integer({ min: 0, max: 8 }),
            sameInstant: fc.integer({ min: 0, max: pageSize - 1 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(shape, async ({ unit, count, pageSize, seed, inserts, prefetch }) => {
        const { seen, data } = await walkWithInserts(unit, count, pageSize, seed, inserts, prefetch);
        expect(ids(seen)).toEqual(ids(data));
      }),
      { numRuns: 80, ...timeLimit(1_500) },
    );
  });

  it("with a same-instant burst of a full page between two pages: no PaginationError, no repeat", async () => {
    const { seen, data } = await walkWithInserts("pages", 30, 5, 7, [{ newer: 0, sameInstant: 5 }]);
    expect(ids(seen)).toEqual(ids(data));
  });

  it("with same-instant bursts of any size after every page: no starting instance missed or repeated (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<OffsetUnit>("items", "pages"),
        fc.integer({ min: 20, max: 120 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(0, 3),
        async (unit, count, pageSize, burst, prefetch) => {
          const { seen, data } = await walkWithInserts(
            unit,
            count,
            pageSize,
            3,
            [{ newer: 1, sameInstant: burst }],
            prefetch,
          );
          expect(ids(seen)).toEqual(ids(data));
        },
      ),
      { numRuns: 50, ...timeLimit(800) },
    );
  });
});
