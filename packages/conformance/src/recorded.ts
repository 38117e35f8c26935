// The checks that need nothing but recorded exchanges: the probe runs them over its own traffic,
// `--har` over a user's. Each answers from what came back, never from what was expected to exist.
import { toTicks } from "@workflows-kit/client";
import type { CheckId, Finding } from "./checks.js";
import { agree, counted, finding } from "./checks.js";
import {
  type Exchange,
  excerpt,
  type Instance,
  instancesOf,
  integerParam,
  jsonOf,
  lengthOf,
} from "./exchange.js";
import type { SpecFacts } from "./spec.js";

const FRACTION = /T\d{2}:\d{2}:\d{2}(?:\.(\d+))?/;

function valueAt(value: unknown, path: string): unknown {
  return path
    .split("/")
    .slice(1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

/** What is wrong with an answer's shape against the spec: status, Content-Type, required headers, body. */
export function shapeViolations(exchange: Exchange, facts: SpecFacts): { problems: string[]; at?: unknown } {
  const rule = facts.responseFor(exchange.status);
  if (!rule) return { problems: [`status ${exchange.status} is not an answer the spec lists`] };
  const problems: string[] = [];
  const contentType = exchange.headers.get("content-type");
  const media = contentType?.split(";")[0]?.trim().toLowerCase();
  if (rule.mediaTypes.length > 0 && !(media && rule.mediaTypes.includes(media))) {
    problems.push(
      `Content-Type ${contentType === undefined ? "missing" : JSON.stringify(contentType)}, the spec says ${rule.mediaTypes.join(" or ")}`,
    );
  }
  for (const header of rule.headers) {
    const raw = exchange.headers.get(header.name.toLowerCase());
    if (raw === undefined) {
      problems.push(`no ${header.name} header (the spec requires it on ${rule.key})`);
      continue;
    }
    const value = header.integer && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (!header.validate(value))
      problems.push(`${header.name}: ${JSON.stringify(raw)} ${header.validate.errors?.[0]?.message}`);
  }
  const validate = rule.body.get(media ?? "") ?? [...rule.body.values()][0];
  let at: unknown;
  if (validate && exchange.body !== undefined) {
    const body = jsonOf(exchange);
    if (body === undefined) {
      problems.push("the body is not JSON");
    } else if (!validate(body)) {
      for (const error of (validate.errors ?? []).slice(0, 3)) {
        const got =
          error.keyword === "enum" ? ` (got ${JSON.stringify(valueAt(body, error.instancePath))})` : "";
        problems.push(`${error.instancePath || "body"} ${error.message}${got}`);
      }
      const first = validate.errors?.[0]?.instancePath ?? "";
      // The offending instance (or the whole body): what a reader needs to see.
      at = valueAt(body, `/${first.split("/")[1] ?? ""}`) ?? body;
      if (first === "") at = body;
    }
  }
  return { problems, at };
}

/** "answers with status 200", "1 answer with status 400 or 401": the statuses of `exchanges`, in order. */
function answersWith(exchanges: readonly Exchange[]): string {
  const statuses = [...new Set(exchanges.map((e) => e.status))].sort((a, b) => a - b);
  const last = statuses.pop();
  const list = statuses.length ? `${statuses.join(", ")} or ${last}` : `${last}`;
  return `${exchanges.length === 1 ? "answer" : "answers"} with status ${list}`;
}

function shapeOf(exchanges: readonly Exchange[], facts: SpecFacts, none: string): Finding {
  const checked = exchanges.filter((e) => e.body !== undefined || facts.responseFor(e.status) === undefined);
  let firstBad: { exchange: Exchange; problems: string[]; at?: unknown } | undefined;
  let bad = 0;
  for (const exchange of exchanges) {
    const { problems, at } = shapeViolations(exchange, facts);
    if (problems.length === 0) continue;
    bad++;
    firstBad ??= { exchange, problems, at };
  }
  if (firstBad) {
    const { exchange, problems, at } = firstBad;
    return finding(
      "contradicted",
      `${bad} of ${exchanges.length} ${answersWith(exchanges)} ${agree(bad, "breaks", "break")} the spec: ${problems.join("; ")}`,
      [exchange],
      excerpt(at === undefined ? (exchange.body ?? "") : JSON.stringify(at)),
    );
  }
  if (checked.length === 0) return finding("inconclusive", none);
  const n = checked.length;
  return finding(
    "confirmed",
    `${n} ${answersWith(checked)} ${agree(n, "matches", "match")} the spec's schema`,
    checked.slice(0, 3),
  );
}

/** Every 2xx answer against the spec's schema for it. */
export function checkInstanceShapes(exchanges: readonly Exchange[], facts: SpecFacts): Finding {
  const ok = exchanges.filter((e) => e.status >= 200 && e.status < 300);
  return shapeOf(ok, facts, "no 200 answer with a body was seen");
}

/** Every error answer (status >= 400) against the spec's schema and headers for its status. */
export function checkErrorShapes(exchanges: readonly Exchange[], facts: SpecFacts): Finding {
  const errors = exchanges.filter((e) => e.status >= 400);
  return shapeOf(errors, facts, "no error answer was seen");
}

/** The first place where a page goes from older to newer, if any. */
export function inversion(page: readonly Instance[]): [Instance, Instance] | undefined {
  for (let i = 1; i < page.length; i++) {
    const [before, after] = [page[i - 1] as Instance, page[i] as Instance];
    if (after.ticks > before.ticks) return [before, after];
  }
  return undefined;
}

const brief = (i: Instance) => `${i.workflowId} startedAt ${i.startedAt}`;

/** Newest first within each page. */
export function checkOrderWithinPages(exchanges: readonly Exchange[]): Finding {
  let telling: Exchange | undefined;
  for (const exchange of exchanges) {
    const page = instancesOf(exchange);
    if (!page) continue;
    const wrong = inversion(page);
    if (wrong) {
      const [before, after] = wrong;
      return finding(
        "contradicted",
        `an older instance comes before a newer one: ${brief(before)}, then ${brief(after)}`,
        [exchange],
        excerpt(
          JSON.stringify(page.slice(0, 4).map(({ workflowId, startedAt }) => ({ workflowId, startedAt }))),
        ),
      );
    }
    if (!telling && new Set(page.map((i) => i.ticks)).size > 1) telling = exchange;
  }
  if (!telling) return finding("inconclusive", "no page held two instances with different startedAt");
  return finding("confirmed", "every page is newest first (descending startedAt)", [telling]);
}

/** Page n, then the page after it: nothing in the second is newer than the oldest of the first. */
export function acrossPages(first: Exchange, next: Exchange): Finding {
  const [a, b] = [instancesOf(first) ?? [], instancesOf(next) ?? []];
  if (a.length === 0 || b.length === 0)
    return finding("inconclusive", "one of the two pages is empty", [first, next]);
  const oldest = a.reduce((min, i) => (i.ticks < min.ticks ? i : min));
  const newest = b.reduce((max, i) => (i.ticks > max.ticks ? i : max));
  if (newest.ticks > oldest.ticks) {
    return finding(
      "contradicted",
      `the next page holds ${brief(newest)}, newer than ${brief(oldest)} on the page before`,
      [first, next],
      excerpt(JSON.stringify({ pageBefore: oldest.startedAt, nextPage: newest.startedAt })),
    );
  }
  return finding("confirmed", "the next page starts where the page before ends (nothing newer)", [
    first,
    next,
  ]);
}

/** No page longer than its `limit`; confirmed once a full page was seen (the limit mattered). */
export function checkPageLength(exchanges: readonly Exchange[]): Finding {
  let full: Exchange | undefined;
  for (const exchange of exchanges) {
    const limit = integerParam(exchange, "limit");
    const length = lengthOf(exchange);
    if (limit === undefined || length === undefined) continue;
    if (length > limit) {
      return finding("contradicted", `${counted(length, "instance")} for limit=${limit}`, [exchange]);
    }
    if (length === limit && limit > 0) full ??= exchange;
  }
  if (!full) return finding("inconclusive", "no page was full, so no limit was shown to cap one");
  return finding(
    "confirmed",
    `a full page held exactly its limit (${integerParam(full, "limit")}), none more`,
    [full],
  );
}

/** Fractional digits of every timestamp in the 200 answers. */
export function checkTimestampPrecision(exchanges: readonly Exchange[]): Finding {
  const digits = new Map<number, number>();
  const seen: Exchange[] = [];
  for (const exchange of exchanges) {
    const page = exchange.status === 200 ? jsonOf(exchange) : undefined;
    if (!Array.isArray(page)) continue;
    for (const item of page as Record<string, unknown>[]) {
      const data = item?.data as Record<string, unknown> | undefined;
      for (const value of [item?.startedAt, item?.completedAt, data?.triggeredAt]) {
        if (typeof value !== "string") continue;
        const match = FRACTION.exec(value);
        if (!match) continue;
        const count = match[1]?.length ?? 0;
        if (count > 7) {
          return finding(
            "contradicted",
            `a timestamp has ${count} fractional digits, more than 7`,
            [exchange],
            value,
          );
        }
        digits.set(count, (digits.get(count) ?? 0) + 1);
        if (seen.at(-1) !== exchange) seen.push(exchange);
      }
    }
  }
  if (digits.size === 0) return finding("inconclusive", "no timestamp was seen");
  const counts = [...digits.entries()].sort(([a], [b]) => a - b);
  const range = `${counts[0]?.[0]}–${counts.at(-1)?.[0]}`;
  return finding(
    "confirmed",
    `fractional digits seen: ${range} (${counts.map(([d, n]) => `${d}: ${n}`).join(", ")}); keep them as strings`,
    seen.slice(0, 3),
  );
}

/** A 4xx answer's `code`, when its body has an integer one. */
export function codeOf(exchange: Exchange): number | undefined {
  const code = (jsonOf(exchange) as { code?: unknown } | undefined)?.code;
  return Number.isInteger(code) ? (code as number) : undefined;
}

/** `status` and `code` as the spec says, or why not. */
export function expectError(exchange: Exchange, status: number, code: number, what: string): Finding {
  const got = codeOf(exchange);
  if (exchange.status === status && got === code) {
    return finding("confirmed", `${what}: ${status} with code ${code}`, [exchange]);
  }
  const answer =
    exchange.status === 0 ? "no answer" : `${exchange.status}${got === undefined ? "" : ` with code ${got}`}`;
  return finding(
    "contradicted",
    `${what}: ${answer}, the spec says ${status} with code ${code}`,
    [exchange],
    excerpt(exchange.body ?? ""),
  );
}

/** Every instance that breaks `matches`, with the request, or undefined when all match. */
function firstMismatch(
  exchanges: readonly Exchange[],
  matches: (instance: Instance, exchange: Exchange) => boolean,
): { exchange: Exchange; instance: Instance } | undefined {
  for (const exchange of exchanges) {
    const instance = (instancesOf(exchange) ?? []).find((i) => !matches(i, exchange));
    if (instance) return { exchange, instance };
  }
  return undefined;
}

/** A filter honoured by what came back: every instance matches it. */
export function checkFilter(exchanges: readonly Exchange[], name: "status" | "version"): Finding {
  const filtered = exchanges.filter((e) => e.query.has(name) && instancesOf(e) !== undefined);
  const wrong = firstMismatch(filtered, (i, e) => String(i[name]) === e.query.get(name));
  if (wrong) {
    return finding(
      "contradicted",
      `${name}=${wrong.exchange.query.get(name)} returned ${wrong.instance.workflowId} with ${name} ${JSON.stringify(wrong.instance[name])}`,
      [wrong.exchange],
    );
  }
  const shown = filtered.filter((e) => (instancesOf(e) ?? []).length > 0);
  if (shown.length === 0) return finding("inconclusive", `no answer to a ${name} filter held an instance`);
  return finding(
    "confirmed",
    `${counted(shown.length, "answer")} to a ${name} filter ${agree(shown.length, "holds", "hold")} only matching instances`,
    shown.slice(0, 3),
  );
}

/** Date bounds honoured by what came back; inclusive only when an instance sat exactly on one. */
export function checkDateBound(
  exchanges: readonly Exchange[],
  name: "startTimeFrom" | "startTimeTo",
): Finding {
  const before = name === "startTimeFrom";
  const bounded = exchanges.filter((e) => toTicks(e.query.get(name) ?? "") !== undefined && instancesOf(e));
  const bound = (e: Exchange) => toTicks(e.query.get(name) ?? "") as bigint;
  const wrong = firstMismatch(bounded, (i, e) => (before ? i.ticks >= bound(e) : i.ticks <= bound(e)));
  if (wrong) {
    return finding(
      "contradicted",
      `${name}=${wrong.exchange.query.get(name)} returned ${brief(wrong.instance)}, ${before ? "before" : "after"} the bound`,
      [wrong.exchange],
    );
  }
  const onBound = bounded.find((e) => (instancesOf(e) ?? []).some((i) => i.ticks === bound(e)));
  if (onBound) return finding("confirmed", `an instance started exactly at ${name} and came back`, [onBound]);
  if (bounded.length === 0) return finding("inconclusive", `no answer to a ${name} filter was seen`);
  return finding(
    "inconclusive",
    `${counted(bounded.length, "answer")} ${agree(bounded.length, "honours", "honour")} ${name}, but no instance sat exactly on the bound, so inclusiveness is not shown`,
    bounded.slice(0, 3),
  );
}

/** Pages without `version` hold one version, the latest one any answer showed. */
export function checkLatestVersion(exchanges: readonly Exchange[]): Finding {
  const unversioned = exchanges.filter((e) => !e.query.has("version") && (instancesOf(e) ?? []).length > 0);
  let highest = 0;
  for (const e of exchanges)
    for (const i of instancesOf(e) ?? [])
      if (typeof i.version === "number") highest = Math.max(highest, i.version);
  for (const exchange of unversioned) {
    const versions = new Set((instancesOf(exchange) ?? []).map((i) => i.version));
    if (versions.size > 1) {
      return finding("contradicted", `a page without version mixes versions ${[...versions].join(", ")}`, [
        exchange,
      ]);
    }
    const [version] = versions;
    if (typeof version === "number" && version < highest) {
      return finding(
        "contradicted",
        `without version the answer is version ${version}, but instances of version ${highest} exist`,
        [exchange],
      );
    }
  }
  const olderShown = exchanges.find((e) => {
    const v = integerParam(e, "version");
    return v !== undefined && v < highest && (instancesOf(e) ?? []).length > 0;
  });
  if (unversioned.length === 0 || !olderShown) {
    return finding(
      "inconclusive",
      "no older version's instances were seen, so none were shown to be left out",
    );
  }
  return finding(
    "confirmed",
    `without version only version ${highest} came back, while version ${integerParam(olderShown, "version")} has instances`,
    [unversioned[0], olderShown],
  );
}

/** Consecutive pages of one query in a recording: same filters and limit, offsets n and n+1 (or n+limit). */
function pagePairs(
  exchanges: readonly Exchange[],
): { first: Exchange; next: Exchange; step: "one" | "limit" }[] {
  const pages = exchanges.filter(
    (e) => instancesOf(e) !== undefined && integerParam(e, "limit") !== undefined,
  );
  const key = (e: Exchange) =>
    [e.url.split("?")[0], e.query.get("limit"), e.query.get("status"), e.query.get("startTimeFrom")].join(
      " ",
    );
  const pairs: { first: Exchange; next: Exchange; step: "one" | "limit" }[] = [];
  for (const first of pages) {
    const offset = integerParam(first, "offset") ?? 0;
    const limit = integerParam(first, "limit") as number;
    for (const next of pages) {
      if (next.index <= first.index || key(next) !== key(first)) continue;
      // A walk pins version and startTimeTo after its first page: the next page may add them, not change them.
      const pinned = (name: string) =>
        !first.query.has(name) || first.query.get(name) === next.query.get(name);
      if (!pinned("version") || !pinned("startTimeTo")) continue;
      const to = integerParam(next, "offset") ?? 0;
      if (to === offset + 1) pairs.push({ first, next, step: "one" });
      else if (limit > 1 && to === offset + limit) pairs.push({ first, next, step: "limit" });
    }
  }
  return pairs;
}

/** Across pages of the recorded walks; the page after offset n is n+1 when offset counts pages, n+limit for items. */
export function checkOrderAcrossRecordedPages(
  exchanges: readonly Exchange[],
  unit: "pages" | "items",
): Finding {
  let confirmed: Finding | undefined;
  for (const { first, next, step } of pagePairs(exchanges)) {
    if (step !== (unit === "pages" ? "one" : "limit")) continue;
    const result = acrossPages(first, next);
    if (result.verdict === "contradicted") return result;
    if (result.verdict === "confirmed") confirmed ??= result;
  }
  return confirmed ?? finding("inconclusive", "no two consecutive pages of one query were recorded");
}

/**
 * What `offset` counts, from recorded walks: after a full page at offset n, the page at n+1 repeats
 * all but one of its instances when the server counts items; pages share at most one (an insert).
 */
export function checkRecordedOffsetUnit(
  exchanges: readonly Exchange[],
  facts: SpecFacts,
): Finding & { unit?: "pages" | "items" } {
  let seen: (Finding & { unit: "pages" | "items" }) | undefined;
  for (const { first, next, step } of pagePairs(exchanges)) {
    const limit = integerParam(first, "limit") as number;
    const [a, b] = [instancesOf(first) ?? [], instancesOf(next) ?? []];
    if (step !== "one" || limit < 3 || a.length !== limit || b.length === 0) continue;
    const ids = new Set(a.map((i) => i.workflowId));
    const shared = b.filter((i) => ids.has(i.workflowId)).length;
    const unit: "pages" | "items" | undefined =
      shared >= limit - 1 && b[0]?.workflowId === a[1]?.workflowId
        ? "items"
        : shared <= 1
          ? "pages"
          : undefined;
    if (!unit) continue;
    const reason = `offset=${integerParam(next, "offset") ?? 0} after a full page of ${limit} repeats ${shared} of its instances: the server counts ${unit}`;
    const found = {
      ...finding(unit === facts.offsetUnit ? "confirmed" : "contradicted", reason, [first, next]),
      unit,
    };
    if (found.verdict === "contradicted") return found;
    seen ??= found;
  }
  return seen ?? finding("inconclusive", "no full page followed by the page at the next offset was recorded");
}

/** The checks a recording can answer, each from what came back. */
export function checkRecording(
  exchanges: readonly Exchange[],
  facts: SpecFacts,
): { findings: Partial<Record<CheckId, Finding>>; offsetUnit: "pages" | "items" | null } {
  const nonUuid = exchanges.filter((e) => !facts.definitionIdPattern.test(e.definitionId));
  const withStatus = (status: number) => exchanges.filter((e) => e.status === status);
  const first = (list: Exchange[], status: number, code: number, what: string, none: string): Finding => {
    const results = list.map((e) => expectError(e, status, code, what));
    return (
      results.find((r) => r.verdict === "contradicted") ??
      results.find((r) => r.verdict === "confirmed") ??
      finding("inconclusive", none)
    );
  };
  const noDefault = exchanges.filter((e) => !e.query.has("limit"));
  const overDefault = noDefault.find((e) => (lengthOf(e) ?? 0) > facts.defaultLimit);
  const atDefault = noDefault.find((e) => lengthOf(e) === facts.defaultLimit);
  const offset = checkRecordedOffsetUnit(exchanges, facts);
  const findings: Partial<Record<CheckId, Finding>> = {
    "shape.instances": checkInstanceShapes(exchanges, facts),
    "shape.errors": checkErrorShapes(exchanges, facts),
    "order.within-page": checkOrderWithinPages(exchanges),
    "order.across-pages": checkOrderAcrossRecordedPages(exchanges, offset.unit ?? facts.offsetUnit),
    "limit.page-length": checkPageLength(exchanges),
    "limit.default": overDefault
      ? finding(
          "contradicted",
          `${lengthOf(overDefault)} instances without limit, more than ${facts.defaultLimit}`,
          [overDefault],
        )
      : atDefault
        ? finding("confirmed", `a page without limit held exactly ${facts.defaultLimit} instances`, [
            atDefault,
          ])
        : finding("inconclusive", `no page without limit held ${facts.defaultLimit} instances`),
    "offset.unit": offset,
    "filter.status": checkFilter(exchanges, "status"),
    "filter.version": checkFilter(exchanges, "version"),
    "version.latest-by-default": checkLatestVersion(exchanges),
    "filter.startTimeFrom.inclusive": checkDateBound(exchanges, "startTimeFrom"),
    "filter.startTimeTo.inclusive": checkDateBound(exchanges, "startTimeTo"),
    "empty.no-match": finding("inconclusive", "a recording cannot show that nothing matched a request"),
    "error.invalid-definition-id": first(
      nonUuid,
      400,
      1000,
      "a definitionId that is not a UUID",
      "no request with a definitionId that is not a UUID was recorded",
    ),
    "error.unknown-definition": first(
      withStatus(404),
      404,
      1300,
      "a 404 answer",
      "no 404 answer was recorded",
    ),
    "error.bad-key": first(withStatus(401), 401, 1200, "a 401 answer", "no 401 answer was recorded"),
    "timestamps.precision": checkTimestampPrecision(exchanges),
  };
  return { findings, offsetUnit: offset.unit ?? null };
}
