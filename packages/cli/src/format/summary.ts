import type { RunTimeStats, Summary } from "../summary.js";
import { formatJson } from "./json.js";
import { formatTable } from "./table.js";

const TICKS_PER_SECOND = 10_000_000;
const TICKS_PER_MS = 10_000;

/** 100 ns ticks as seconds with all 7 fractional digits: `83.4567891`. */
export function formatSeconds(ticks: number): string {
  const sign = ticks < 0 ? "-" : "";
  const abs = Math.abs(ticks);
  const fraction = String(abs % TICKS_PER_SECOND).padStart(7, "0");
  return `${sign}${Math.floor(abs / TICKS_PER_SECOND)}.${fraction}`;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The summary for people: counts and shares by status, failures, run-time percentiles in seconds. */
export function formatSummaryTable(summary: Summary): string {
  // "0 Terminated of 0 (0.0%)" would read as a result; nothing matched is the result.
  if (summary.total === 0) return "no instances match: nothing to summarize\n";
  const share = (count: number) => percent(count / summary.total);
  const statusRows = Object.entries(summary.byStatus).map(([status, count]) => [
    status,
    String(count),
    share(count),
  ]);
  const counts = formatTable(
    [["status", "count", "share"], ...statusRows, ["total", String(summary.total), share(summary.total)]],
    ["left", "right", "right"],
  );
  const { failures, runTime } = summary;
  const failed = `failures: ${failures.count} ${failures.status} of ${summary.total} (${percent(failures.share)})\n`;
  if (runTime === undefined) return `${counts}\n${failed}\nrun time: no completed instances\n`;
  const stats = formatTable(
    [
      ["run time", "seconds"],
      ...(["min", "p50", "p90", "p99", "max"] as const).map((key) => [key, formatSeconds(runTime[key])]),
    ],
    ["left", "right"],
  );
  return `${counts}\n${failed}\n${stats}(startedAt → completedAt over ${runTime.count} completed instances; percentiles by nearest rank)\n`;
}

/** Run-time statistics in milliseconds: ticks / 10 000 is exact in a double's shortest decimal form. */
function inMilliseconds(runTime: RunTimeStats) {
  const ms = (ticks: number) => ticks / TICKS_PER_MS;
  return {
    count: runTime.count,
    min: ms(runTime.min),
    p50: ms(runTime.p50),
    p90: ms(runTime.p90),
    p99: ms(runTime.p99),
    max: ms(runTime.max),
  };
}

/** The summary for programs; run times in milliseconds with 100 ns resolution (`null`: none completed). */
export function formatSummaryJson(summary: Summary): string {
  return formatJson({
    total: summary.total,
    byStatus: summary.byStatus,
    failures: summary.failures,
    runTimeMs: summary.runTime === undefined ? null : inMilliseconds(summary.runTime),
  });
}
