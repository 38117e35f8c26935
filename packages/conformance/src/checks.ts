import type { Exchange } from "./exchange.js";
import type { SpecFacts } from "./spec.js";

/** `n` and the noun, plural unless `n` is 1: "1 answer", "9 answers", "0 other entries". */
export const counted = (n: number, noun: string, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;

/** The verb for `n` subjects: `agree(1, "holds", "hold")` is "holds". */
export const agree = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** `confirmed`: the server did what the spec says; `contradicted`: it did not; `inconclusive`: not enough data. */
export type Verdict = "confirmed" | "contradicted" | "inconclusive";

/** A request a verdict rests on: method, URL (the key is a header, never in it) and the status it got. */
export interface EvidenceRequest {
  method: string;
  url: string;
  /** 0 when no answer came. */
  status: number;
}

export interface Evidence {
  /** One line: why this verdict. */
  reason: string;
  /** The requests it rests on. */
  requests: EvidenceRequest[];
  /** The offending part of an answer, when there is one (300 characters at most). */
  excerpt?: string;
}

export interface CheckResult {
  id: CheckId;
  /** What the spec states, in one line. */
  statement: string;
  verdict: Verdict;
  evidence: Evidence;
}

/** Every check, in report order. */
export const CHECK_IDS = [
  "shape.instances",
  "shape.errors",
  "order.within-page",
  "order.across-pages",
  "limit.page-length",
  "limit.default",
  "offset.unit",
  "filter.status",
  "filter.version",
  "version.latest-by-default",
  "filter.startTimeFrom.inclusive",
  "filter.startTimeTo.inclusive",
  "empty.no-match",
  "error.invalid-definition-id",
  "error.unknown-definition",
  "error.bad-key",
  "timestamps.precision",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** The statement each check tests, worded from the spec's own values. */
export function statements(facts: SpecFacts): Record<CheckId, string> {
  return {
    "shape.instances": "A 200 answer is application/json: an array of WorkflowInstance (the spec's schema)",
    "shape.errors":
      "Every status >= 400 is one the spec lists, as application/json {code, message, errorId, timestamp}, with its required headers (Retry-After on 429)",
    "order.within-page": "Instances come newest first (descending startedAt) within a page",
    "order.across-pages": "Newest first across pages: a page holds nothing newer than the page before",
    "limit.page-length": "A page holds at most `limit` instances",
    "limit.default": `Without \`limit\`, a page holds ${facts.defaultLimit} instances (the default)`,
    "offset.unit": `\`offset\` counts ${facts.offsetUnit} (x-offset-unit: ${facts.offsetUnit})`,
    "filter.status": "`status` returns only instances with that status",
    "filter.version": "`version` returns only instances of that version",
    "version.latest-by-default": "Without `version`, only instances of the latest version are returned",
    "filter.startTimeFrom.inclusive":
      "`startTimeFrom` is an inclusive lower bound on startedAt (an instance's exact startedAt includes it)",
    "filter.startTimeTo.inclusive":
      "`startTimeTo` is an inclusive upper bound on startedAt (an instance's exact startedAt includes it)",
    "empty.no-match": "When nothing matches, the answer is 200 with [] (not an error)",
    "error.invalid-definition-id": "A definitionId that is not a UUID answers 400 with code 1000",
    "error.unknown-definition": "An unknown definition answers 404 with code 1300",
    "error.bad-key": "A bad API key answers 401 with code 1200",
    "timestamps.precision": "Timestamps have at most 7 fractional digits (2 to 7 seen upstream)",
  };
}

/** A verdict before it is named: the reason, the exchanges it rests on, the offending excerpt. */
export interface Finding {
  verdict: Verdict;
  reason: string;
  exchanges?: readonly (Exchange | undefined)[];
  excerpt?: string;
}

export const finding = (
  verdict: Verdict,
  reason: string,
  exchanges: readonly (Exchange | undefined)[] = [],
  excerpt?: string,
): Finding => ({ verdict, reason, exchanges, ...(excerpt === undefined ? {} : { excerpt }) });

export const requestOf = (exchange: Exchange): EvidenceRequest => ({
  method: exchange.method,
  url: exchange.url,
  status: exchange.status,
});

/** Names the findings with their statements, in CHECK_IDS order; a check nobody judged is inconclusive. */
export function toResults(
  facts: SpecFacts,
  findings: Partial<Record<CheckId, Finding>>,
  notRun: string,
): CheckResult[] {
  const texts = statements(facts);
  return CHECK_IDS.map((id) => {
    const found = findings[id] ?? finding("inconclusive", notRun);
    const requests = (found.exchanges ?? []).filter((e): e is Exchange => e !== undefined).map(requestOf);
    return {
      id,
      statement: texts[id],
      verdict: found.verdict,
      evidence: {
        reason: found.reason,
        requests,
        ...(found.excerpt === undefined ? {} : { excerpt: found.excerpt }),
      },
    };
  });
}
