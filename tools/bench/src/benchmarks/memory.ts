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
  tenthsMB: number[];
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
  // The first tenth of the walk is the warm-up whose highest RSS is the baseline.
  const warmupPages = Math.round(options.count / PAGE_SIZE / 10);
  const reports: Record<string, WalkReport> = {};
  try {
    for (const [name, args] of [
      ["loop", ["--mode", "loop"]],
      ["client", ["--mode", "client"]],
      ["prefetch", ["--mode", "client", "--prefetch", "2"]],
    ] as const) {
      const report = await runChild<WalkReport>(entry("walker"), [
        ...args,
        "--url",
        server.url,
        "--page-size",
        String(PAGE_SIZE),
        "--warmup-pages",
        String(warmupPages),
      ]);
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
      `${name}: peak RSS ${r.baselineRssMB.toFixed(1)} MB over the first tenth → ${r.peakRssMB.toFixed(1)} MB over the rest, ` +
      `${r.endRssMB.toFixed(1)} MB at the end ` +
      `(heap peak ${r.peakHeapMB.toFixed(1)} MB), ${(r.ms / 1000).toFixed(1)} s; ` +
      `peak RSS by tenth of the walk: ${r.tenthsMB.join(", ")} MB`
    );
  };
  return {
    id: "memory",
    title: "Memory over a long walk",
    ratio: "peak RSS of the client walk / peak RSS of the hand-written loop (1 = the same)",
    method:
      `${options.count.toLocaleString("en")} instances in pages of ${PAGE_SIZE}, served by a bench server that builds ` +
      "each page from its offset (deterministic synthetic instances, no store: the reference provider keeps every " +
      "instance in memory). Each walker runs alone in a child process and samples its RSS after every page: the " +
      "baseline is the highest RSS over the first tenth of the walk (the process at its working size), the growth " +
      "how far the highest RSS over the other nine tenths goes above it. A walk that kept what it passed would grow " +
      "by hundreds of MB (a million instances are ≈ 450 MB of JSON).",
    rows,
    notes: ["loop", "client", "prefetch"].map(detail),
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
