// The probe against a live server: a fixed plan of read-only GETs, each chosen from what the
// answers before it showed, sent one at a time through the client with a HAR recorder on.
import {
  createWorkflowsClient,
  type Har,
  type HarRecorder,
  InvalidParameterError,
  type ListWorkflowInstancesInput,
  RateLimitError,
  type WorkflowStatus,
  WorkflowsAbortError,
  type WorkflowsClient,
} from "@workflows-kit/client";
import { createHarRecorder } from "@workflows-kit/client/har";
import { agree, type CheckId, counted, type Finding, finding } from "./checks.js";
import { type Exchange, type Instance, instancesOf, lengthOf, readHar } from "./exchange.js";
import {
  acrossPages,
  checkErrorShapes,
  checkInstanceShapes,
  checkOrderWithinPages,
  checkPageLength,
  checkTimestampPrecision,
  codeOf,
  expectError,
} from "./recorded.js";
import type { SpecFacts } from "./spec.js";

export interface LiveProbeOptions {
  /** Sent as `Authorization: Bearer <apiKey>`; never printed, stored or put in a report. */
  apiKey: string;
  accountId: string;
  definitionId: string;
  /** Default: the spec's server. */
  baseUrl?: string | undefined;
  /** Default: globalThis.fetch. */
  fetch?: typeof globalThis.fetch | undefined;
  /** At most this many requests (429 waits included); checks left without one are inconclusive. Default 30. */
  maxRequests?: number | undefined;
  /** Bound on each request. Default: the client's (30 000 ms). */
  timeoutMs?: number | undefined;
  /** A 429's Retry-After up to this long is waited for, then the request is sent again; a longer one ends the probe. Default 30 000 ms. */
  maxRetryAfterMs?: number | undefined;
  /** Waits for a 429's Retry-After. Default: a timer that the signal cancels. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Clock of the recorded HAR. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Stops the probe (the current request is aborted; the probe rejects with WorkflowsAbortError). */
  signal?: AbortSignal | undefined;
}

export interface LiveResult {
  findings: Partial<Record<CheckId, Finding>>;
  offsetUnit: "pages" | "items" | null;
  requests: number;
  stopped: string | undefined;
  har: Har;
}

/** A definitionId that no server accepts as a UUID. */
export const NOT_A_UUID = "not-a-uuid";
/** The key sent to show that a bad one is refused; not a secret. */
export const BAD_KEY = "workflows-probe-invalid-key";
/** A bound before any instance: 8x8 Automation did not exist in 2000. */
export const BEFORE_ANY_INSTANCE = "2000-01-01T00:00:00Z";
const FILTER_PAGE = 20;
const MAX_PAGING_LIMIT = 10;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Sends one request at a time within the budget, handles 429 itself, and hands back what was recorded. */
class Session {
  sent = 0;
  stopped: string | undefined;
  readonly recorder: HarRecorder;
  readonly clients: { main: WorkflowsClient; loose: WorkflowsClient; badKey: WorkflowsClient };

  constructor(
    readonly options: LiveProbeOptions,
    readonly facts: SpecFacts,
    readonly maxRequests: number,
  ) {
    this.recorder = createHarRecorder({
      maxEntries: maxRequests,
      maxBodyBytes: 16 * 1024 * 1024,
      creator: { name: "workflows probe", version: "" },
      ...(options.now ? { now: options.now } : {}),
    });
    // maxRetries 0: every request is counted and a 429 is the probe's to wait for.
    const common = {
      maxRetries: 0,
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
    this.clients = {
      main: createWorkflowsClient({ ...common, apiKey: options.apiKey }),
      // validate: false, so the request the client would refuse (a definitionId that is not a UUID) goes out.
      loose: createWorkflowsClient({ ...common, apiKey: options.apiKey, validate: false }),
      badKey: createWorkflowsClient({ ...common, apiKey: BAD_KEY, validate: false }),
    };
    for (const client of Object.values(this.clients)) client.raw.use(this.recorder.middleware);
  }

  /**
   * One request; undefined when the budget ran out or a long 429 ended the probe (`stopped` says
   * why). With `baseline`, an answer that makes probing pointless (401, 404, 5xx, no answer)
   * rejects with the client's error, as every other `workflows` command does.
   */
  async send(
    params: Partial<ListWorkflowInstancesInput>,
    client: keyof Session["clients"] = "main",
    baseline = false,
  ): Promise<Exchange | undefined> {
    const { accountId, definitionId, signal } = this.options;
    const maxWait = this.options.maxRetryAfterMs ?? 30_000;
    for (;;) {
      if (this.stopped) return undefined;
      if (this.sent >= this.maxRequests) {
        this.stopped = `not run: the probe's budget of ${counted(this.maxRequests, "request")} ran out`;
        return undefined;
      }
      this.sent++;
      const before = this.recorder.entries.length;
      let error: unknown;
      try {
        await this.clients[client].listWorkflowInstances(
          { accountId, definitionId, ...params },
          signal ? { signal } : {},
        );
      } catch (caught) {
        error = caught;
      }
      if (error instanceof WorkflowsAbortError || error instanceof InvalidParameterError) throw error;
      const entry = this.recorder.entries.length > before ? this.recorder.entries.at(-1) : undefined;
      if (!entry) throw error ?? new Error("the HAR recorder missed an exchange");
      const [exchange] = readHar({ log: { entries: [entry] } }, this.facts).exchanges;
      if (!exchange) throw error ?? new Error("the HAR recorder missed an exchange");
      exchange.index = this.sent - 1;
      if (exchange.status === 429) {
        const wait = error instanceof RateLimitError ? error.retryAfterMs : undefined;
        if (wait === undefined || wait > maxWait) {
          const asked = wait === undefined ? "without a usable Retry-After" : `to wait ${wait / 1000} s`;
          this.stopped = `not run: rate limited (429 ${asked}; the probe waits at most ${maxWait / 1000} s), so the probe ended`;
          return undefined;
        }
        try {
          await (this.options.sleep ?? defaultSleep)(wait, signal);
        } catch (reason) {
          if (signal?.aborted)
            throw new WorkflowsAbortError({ method: "GET", url: exchange.url }, signal.reason);
          throw reason;
        }
        continue;
      }
      if (baseline && error && (exchange.status === 0 || exchange.status >= 400)) throw error;
      return exchange;
    }
  }
}

const byTicksDescending = (a: Instance, b: Instance) =>
  a.ticks === b.ticks ? 0 : a.ticks > b.ticks ? -1 : 1;
const sameAnswer = (a: Exchange | undefined, b: Exchange | undefined) =>
  a !== undefined && b !== undefined && a.status === b.status && a.body === b.body;

/** Runs the plan against the server and judges every check from its answers. */
export async function probeServer(options: LiveProbeOptions, facts: SpecFacts): Promise<LiveResult> {
  const maxRequests = options.maxRequests ?? 30;
  if (!Number.isInteger(maxRequests) || maxRequests < 1) {
    throw new InvalidParameterError("maxRequests", maxRequests, "must be an integer >= 1");
  }
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  if (!Number.isFinite(maxRetryAfterMs) || maxRetryAfterMs < 0) {
    throw new InvalidParameterError("maxRetryAfterMs", maxRetryAfterMs, "must be a number >= 0");
  }
  const session = new Session(options, facts, maxRequests);
  const findings: Partial<Record<CheckId, Finding>> = {};
  const skipped = () => finding("inconclusive", session.stopped ?? "not run");
  let offsetUnit: LiveResult["offsetUnit"] = null;
  const sampleLimit = Math.min(facts.defaultLimit + 1, facts.maxLimit);

  // 1. The first page without limit (the default), then a larger one: the sample the rest is chosen from.
  const base = await session.send({}, "main", true);
  const sample = await session.send({ limit: sampleLimit });
  const S = (sample && instancesOf(sample)) ?? [];
  findings["limit.default"] = judgeDefault(base, sample, facts.defaultLimit, sampleLimit) ?? skipped();

  // 2. Two pages of L: what offset counts, and the order from one page to the next.
  const L = Math.min(MAX_PAGING_LIMIT, Math.floor((S.length - 1) / 2));
  if (!sample) {
    findings["offset.unit"] = findings["order.across-pages"] = skipped();
  } else if (L < 2) {
    const why = `only ${counted(S.length, "instance")} ${agree(S.length, "matches", "match")}; telling pages from items needs at least 5`;
    findings["offset.unit"] = findings["order.across-pages"] = finding("inconclusive", why, [sample]);
  } else {
    const p0 = await session.send({ limit: L, offset: 0 });
    const p1 = p0 && (await session.send({ limit: L, offset: 1 }));
    const [a, b] = [p0 && instancesOf(p0), p1 && instancesOf(p1)];
    if (!p0 || !p1 || !a || !b) {
      findings["offset.unit"] = findings["order.across-pages"] =
        p0 && p1 ? finding("inconclusive", "a page was not a list", [p0, p1]) : skipped();
    } else {
      const judged = judgeOffset(S, a, b, facts.offsetUnit, L);
      offsetUnit = judged.unit;
      findings["offset.unit"] = { ...judged.finding, exchanges: [sample, p0, p1] };
      if (judged.unit === "pages") {
        findings["order.across-pages"] = acrossPages(p0, p1);
      } else if (judged.unit === "items") {
        const next = await session.send({ limit: L, offset: a.length });
        findings["order.across-pages"] = next ? acrossPages(p0, next) : skipped();
      } else {
        findings["order.across-pages"] = finding(
          "inconclusive",
          "what offset counts is unclear (see offset.unit)",
          [p0, p1],
        );
      }
    }
  }

  // 3. status: the rarest status of the sample, when it shows more than one.
  const statuses = facts.statuses.filter((s) => S.some((i) => i.status === s));
  if (!sample) {
    findings["filter.status"] = skipped();
  } else if (statuses.length < 2) {
    findings["filter.status"] = finding(
      "inconclusive",
      `every instance seen has status ${statuses[0] ?? "(none)"}: a filter with nothing to exclude shows nothing`,
      [sample],
    );
  } else {
    const count = (s: string) => S.filter((i) => i.status === s).length;
    const status = statuses.reduce((rarest, s) => (count(s) < count(rarest) ? s : rarest));
    const answer = await session.send({ status: status as WorkflowStatus, limit: FILTER_PAGE });
    findings["filter.status"] = answer ? judgeFilter(answer, "status", status, count(status)) : skipped();
  }

  // 4. version: the version before the latest, then whether the latest alone is served without one.
  const versions = new Set(S.map((i) => i.version));
  const latest = Math.max(0, ...[...versions].filter((v): v is number => typeof v === "number"));
  if (!sample) {
    findings["filter.version"] = findings["version.latest-by-default"] = skipped();
  } else if (versions.size > 1) {
    findings["version.latest-by-default"] = finding(
      "contradicted",
      `without version the first page mixes versions ${[...versions].join(", ")}`,
      [sample],
    );
  }
  if (sample && latest <= 1) {
    const why = `the latest version seen is ${latest || "none"}: there is no older version to ask for`;
    findings["filter.version"] = finding("inconclusive", why, [sample]);
    findings["version.latest-by-default"] ??= finding("inconclusive", why, [sample]);
  } else if (sample) {
    const older = await session.send({ version: latest - 1, limit: FILTER_PAGE });
    const olderPage = older && instancesOf(older);
    findings["filter.version"] = older ? judgeFilter(older, "version", latest - 1, 0) : skipped();
    if (!findings["version.latest-by-default"]) {
      const newestOlder = olderPage?.filter((i) => i.version === latest - 1).sort(byTicksDescending)[0];
      if (!older) {
        findings["version.latest-by-default"] = skipped();
      } else if (!newestOlder) {
        findings["version.latest-by-default"] = finding(
          "inconclusive",
          `version ${latest - 1} has no instances, so none were shown to be left out`,
          [older],
        );
      } else {
        // The newest older-version instance matches this request in everything but its version.
        const bounded = await session.send({ startTimeTo: newestOlder.startedAt, limit: FILTER_PAGE });
        const page = bounded && instancesOf(bounded);
        const intruder = page?.find((i) => i.version !== latest);
        findings["version.latest-by-default"] = !bounded
          ? skipped()
          : !page
            ? finding("inconclusive", "the answer was not a list", [bounded])
            : intruder
              ? finding(
                  "contradicted",
                  `without version, ${intruder.workflowId} of version ${JSON.stringify(intruder.version)} came back; the latest is ${latest}`,
                  [older, bounded],
                )
              : finding(
                  "confirmed",
                  `without version only version ${latest} came back; ${newestOlder.workflowId} (version ${latest - 1}, startedAt ${newestOlder.startedAt}) matched everything else and was left out`,
                  [sample, older, bounded],
                );
      }
    }
  }

  // 5. Both date bounds at once, each on an instance's exact startedAt, with instances outside on both sides.
  const instants = [...new Map([...S].sort(byTicksDescending).map((i) => [i.ticks, i])).values()];
  if (!sample) {
    findings["filter.startTimeFrom.inclusive"] = findings["filter.startTimeTo.inclusive"] = skipped();
  } else if (instants.length < 4) {
    const why = `the sample has ${instants.length} distinct startedAt; bounds need instances on them and on both sides (4)`;
    findings["filter.startTimeFrom.inclusive"] = findings["filter.startTimeTo.inclusive"] = finding(
      "inconclusive",
      why,
      [sample],
    );
  } else {
    const [to, from] = [instants[1] as Instance, instants[2] as Instance];
    const answer = await session.send({
      startTimeFrom: from.startedAt,
      startTimeTo: to.startedAt,
      limit: sampleLimit,
    });
    const page = answer && instancesOf(answer);
    for (const [id, bound, name] of [
      ["filter.startTimeFrom.inclusive", from, "startTimeFrom"],
      ["filter.startTimeTo.inclusive", to, "startTimeTo"],
    ] as const) {
      findings[id] = !answer
        ? skipped()
        : !page
          ? finding("inconclusive", "the answer was not a list", [answer])
          : judgeBound(S, page, bound, name, [sample, answer]);
    }
  }

  // 6. A bound before any instance: nothing matches.
  const empty = sample && (await session.send({ startTimeTo: BEFORE_ANY_INSTANCE, limit: sampleLimit }));
  findings["empty.no-match"] = empty ? judgeEmpty(empty) : skipped();

  // 7. The three errors the spec names.
  const invalid = await session.send({ definitionId: NOT_A_UUID }, "loose");
  findings["error.invalid-definition-id"] = invalid
    ? expectError(invalid, 400, 1000, `definitionId ${NOT_A_UUID}`)
    : skipped();
  const unknown = await session.send({ definitionId: globalThis.crypto.randomUUID() });
  findings["error.unknown-definition"] = unknown
    ? sameAnswer(unknown, base)
      ? finding(
          "inconclusive",
          "a random definition got the very answer of the real one: the server does not look definitions up (a static mock cannot)",
          [base, unknown],
        )
      : expectError(unknown, 404, 1300, "a random definition")
    : skipped();
  const badKey = await session.send({}, "badKey");
  findings["error.bad-key"] = badKey
    ? sameAnswer(badKey, base)
      ? finding(
          "inconclusive",
          "a bad key got the very answer of the real one: the server does not check keys (a mock accepts any; a real server must not)",
          [base, badKey],
        )
      : expectError(badKey, 401, 1200, "a bad key")
    : skipped();

  // 8. Over everything that came back.
  const { exchanges } = readHar(session.recorder.log(), facts);
  findings["shape.instances"] = checkInstanceShapes(exchanges, facts);
  findings["shape.errors"] = checkErrorShapes(exchanges, facts);
  findings["order.within-page"] = checkOrderWithinPages(exchanges);
  findings["limit.page-length"] = checkPageLength(exchanges);
  findings["timestamps.precision"] = checkTimestampPrecision(exchanges);
  return {
    findings,
    offsetUnit,
    requests: session.sent,
    stopped: session.stopped,
    har: session.recorder.log(),
  };
}

function judgeDefault(
  base: Exchange | undefined,
  sample: Exchange | undefined,
  defaultLimit: number,
  sampleLimit: number,
): Finding | undefined {
  const [n0, nS] = [base && lengthOf(base), sample && lengthOf(sample)];
  if (!base || !sample) return undefined;
  if (n0 === undefined || nS === undefined)
    return finding("inconclusive", "an answer was not a list", [base, sample]);
  const both = [base, sample];
  if (n0 > defaultLimit)
    return finding("contradicted", `${n0} instances without limit, more than ${defaultLimit}`, both);
  if (nS > defaultLimit) {
    return n0 === defaultLimit
      ? finding(
          "confirmed",
          `${n0} instances without limit, while limit=${sampleLimit} shows ${nS} match`,
          both,
        )
      : finding(
          "contradicted",
          `${counted(n0, "instance")} without limit, yet limit=${sampleLimit} returned ${nS}`,
          both,
        );
  }
  if (n0 < nS)
    return finding(
      "contradicted",
      `${counted(n0, "instance")} without limit, yet limit=${sampleLimit} returned ${nS}`,
      both,
    );
  return finding(
    "inconclusive",
    `only ${counted(nS, "instance")} ${agree(nS, "matches", "match")}; the default shows with more than ${defaultLimit}`,
    both,
  );
}

/**
 * Where page 1 starts in the sample. The server's list may have grown at the top by k since the
 * sample (k = where the sample's first instance sits on page 0); its page size is page 0's length.
 */
function judgeOffset(
  sample: readonly Instance[],
  p0: readonly Instance[],
  p1: readonly Instance[],
  specUnit: "pages" | "items",
  limit: number,
): { unit: "pages" | "items" | null; finding: Finding } {
  const first = sample[0]?.workflowId;
  const k = Math.max(
    0,
    p0.findIndex((i) => i.workflowId === first),
  );
  const size = p0.length;
  const at = p1.length === 0 ? -1 : sample.findIndex((i) => i.workflowId === p1[0]?.workflowId);
  const unit = size > 1 && at === size - k ? "pages" : at === 1 - k ? "items" : null;
  const where = at < 0 ? "with no instance of the sample" : `at instance #${at} of the list`;
  const reason = `limit=${limit}&offset=1 starts ${where}; counting pages it starts at #${size - k}, counting items at #${1 - k}`;
  if (unit === null) {
    return {
      unit,
      finding: finding("contradicted", `${reason}: the server counts neither`, [], pageExcerpt(p1)),
    };
  }
  return {
    unit,
    finding: finding(
      unit === specUnit ? "confirmed" : "contradicted",
      `${reason}: the server counts ${unit}${unit === specUnit ? "" : `, the spec says ${specUnit}`}`,
      [],
      pageExcerpt(p1),
    ),
  };
}

const pageExcerpt = (page: readonly Instance[]) =>
  JSON.stringify(page.slice(0, 3).map(({ workflowId, startedAt }) => ({ workflowId, startedAt })));

function judgeFilter(
  answer: Exchange,
  name: "status" | "version",
  value: string | number,
  expected: number,
): Finding {
  const page = instancesOf(answer);
  if (!page) return finding("inconclusive", "the answer was not a list", [answer]);
  const wrong = page.find((i) => i[name] !== value);
  if (wrong) {
    return finding(
      "contradicted",
      `${name}=${value} returned ${wrong.workflowId} with ${name} ${JSON.stringify(wrong[name])}`,
      [answer],
      JSON.stringify({ workflowId: wrong.workflowId, [name]: wrong[name] }),
    );
  }
  if (page.length === 0) {
    return expected > 0
      ? finding(
          "contradicted",
          `${name}=${value} returned nothing, though the sample holds ${counted(expected, "such instance")}`,
          [answer],
        )
      : finding("inconclusive", `no instance has ${name} ${value}`, [answer]);
  }
  return finding(
    "confirmed",
    `${name}=${value} returned ${counted(page.length, "instance")}, ${agree(page.length, "with", "all with")} ${name} ${value}, and left the others out`,
    [answer],
  );
}

function judgeBound(
  sample: readonly Instance[],
  page: readonly Instance[],
  bound: Instance,
  name: "startTimeFrom" | "startTimeTo",
  exchanges: (Exchange | undefined)[],
): Finding {
  const lower = name === "startTimeFrom";
  const outside = page.find((i) => (lower ? i.ticks < bound.ticks : i.ticks > bound.ticks));
  if (outside) {
    return finding(
      "contradicted",
      `${name}=${bound.startedAt} returned ${outside.workflowId} (startedAt ${outside.startedAt}), ${lower ? "before" : "after"} the bound`,
      exchanges,
    );
  }
  const ids = new Set(page.map((i) => i.workflowId));
  const missing = sample.find((i) => i.ticks === bound.ticks && !ids.has(i.workflowId));
  if (missing) {
    return finding(
      "contradicted",
      `${missing.workflowId} started exactly at ${name}=${bound.startedAt} and is missing: the bound is exclusive`,
      exchanges,
      JSON.stringify({ workflowId: missing.workflowId, startedAt: missing.startedAt }),
    );
  }
  return finding(
    "confirmed",
    `the instance that started exactly at ${name}=${bound.startedAt} came back, those ${lower ? "before" : "after"} it did not`,
    exchanges,
  );
}

function judgeEmpty(answer: Exchange): Finding {
  if (answer.status !== 200) {
    const code = codeOf(answer);
    return finding(
      "contradicted",
      `startTimeTo=${BEFORE_ANY_INSTANCE} answered ${answer.status}${code === undefined ? "" : ` (code ${code})`}, not 200 []`,
      [answer],
    );
  }
  const page = instancesOf(answer);
  if (!page) return finding("inconclusive", "the answer was not a list", [answer]);
  if (page.length === 0 && lengthOf(answer) === 0)
    return finding("confirmed", `startTimeTo=${BEFORE_ANY_INSTANCE}: 200 []`, [answer]);
  return finding(
    "inconclusive",
    `startTimeTo=${BEFORE_ANY_INSTANCE} returned instances started later: the server did not apply the filter, so this request cannot show an empty answer`,
    [answer],
  );
}
