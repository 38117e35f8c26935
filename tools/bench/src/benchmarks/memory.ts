import { entry, runChild, startChild } from "../children.js";
import { type BenchmarkResult, check, type Row } from "../result.js";
import { round } from "../stats.js";

interface WalkReport {
  mode: string;
  prefetch: number;
  items: number;
  ms: number;
  baselineRssMB: number;
  peakRssMB: number;
  endRssMB: number;
  growthMB: number;
  peakHeapMB: number;
}

const PAGE_SIZE = 500;
const GROWTH_BUDGET_MB = 50;

/**
 * Memory: a walk of a million instances, each walker in a child process of its own (RSS sampled
 * once per page), against a server that synthesizes every page from its offset (nothing stored).
 */
export async function memory(options: { count: number }): Promise<BenchmarkResult> {
  const started = performance.now();
  const server = await startChild(entry("serve"), ["synth", "--count", String(options.count)]);
  const reports: Record<string, WalkReport> = {};
  try {
    for (const [name, args] of [
      ["loop", ["--mode", "loop"]],
      ["client", ["--mode", "client"]],
      ["prefetch", ["--mode", "client", "--prefetch", "2"]],
    ] as const) {
      const report = await runChild<WalkReport>(
        entry("walker"),
        [...args, "--url", server.url, "--page-size", String(PAGE_SIZE)],
        ["--expose-gc"],
      );
      if (report.items !== options.count) {
        throw new Error(`${name} walked ${report.items} instances, expected ${options.count}`);
      }
      reports[name] = report;
    }
  } finally {
    await server.stop();
  }
  const loop = reports.loop as WalkReport;
  const rows: Row[] = (
    [
      ["client", "iterateWorkflowInstances"],
      ["prefetch", "iterateWorkflowInstances, prefetch: 2"],
    ] as const
  ).map(([name, subject]) => {
    const report = reports[name] as WalkReport;
    return check({
      case: `${(options.count / 1e6).toLocaleString("en")} M instances: RSS growth`,
      baseline: "sequential fetch loop",
      subject,
      unit: "MB",
      baselineValue: round(loop.growthMB, 1),
      subjectValue: round(report.growthMB, 1),
      ratio: round(report.peakRssMB / loop.peakRssMB, 2),
      target: { on: "value", op: "<=", value: GROWTH_BUDGET_MB, text: `growth ≤ ${GROWTH_BUDGET_MB} MB` },
    });
  });
  const detail = (name: string) => {
    const r = reports[name] as WalkReport;
    return (
      `${name}: RSS ${r.baselineRssMB.toFixed(1)} MB after 10 pages → peak ${r.peakRssMB.toFixed(1)} MB ` +
      `(heap peak ${r.peakHeapMB.toFixed(1)} MB), ${(r.ms / 1000).toFixed(1)} s`
    );
  };
  return {
    id: "memory",
    title: "Memory over a long walk",
    ratio: "peak RSS of the client walk / peak RSS of the hand-written loop (1 = the same)",
    method:
      `${options.count.toLocaleString("en")} instances in pages of ${PAGE_SIZE}, served by a bench server that builds ` +
      "each page from its offset (deterministic synthetic instances, no store: the reference provider keeps every " +
      "instance in memory). Each walker runs alone in a child process (`node --expose-gc`); its baseline is the RSS " +
      "after the first 10 pages and a full GC, its growth the highest RSS sampled after every later page minus that.",
    rows,
    notes: ["loop", "client", "prefetch"].map(detail),
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
