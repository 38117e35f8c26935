// `pnpm bench`: runs the benchmarks, prints a table for each, writes results.json and
// docs/benchmarks.md + docs/benchmarks.svg. Options (after `pnpm bench --`):
//   --only a,b    only these benchmarks (overhead, pagination, memory, bundle, throughput, pipeline);
//                 the others keep their last results in results.json
//   --pipeline    also time a cold `pnpm test` against a cached rerun (takes minutes)
//   --quick       fewer rounds (a smoke run; figures are noisier)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundle } from "./benchmarks/bundle.js";
import { memory } from "./benchmarks/memory.js";
import { overhead } from "./benchmarks/overhead.js";
import { pagination } from "./benchmarks/pagination.js";
import { pipeline } from "./benchmarks/pipeline.js";
import { throughput } from "./benchmarks/throughput.js";
import { CHANGES, gaps } from "./changes.js";
import { consoleTable, formatJson, markdown, type Results, svg } from "./report.js";
import type { BenchmarkResult } from "./result.js";
import { round } from "./stats.js";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    pipeline: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
  },
});
const quick = values.quick;
const benchmarks: Record<string, () => Promise<BenchmarkResult>> = {
  overhead: () => overhead({ quick }),
  pagination: () => pagination({ rounds: quick ? 1 : 3, quick, count: 100_000, latencyMs: 10 }),
  memory: () => memory({ count: 1_000_000 }),
  bundle,
  throughput: () => throughput({ rounds: quick ? 1 : 3, durationSeconds: quick ? 2 : 3 }),
  pipeline,
};
const selected = values.only
  ? values.only.split(",").map((name) => name.trim())
  : Object.keys(benchmarks).filter((name) => name !== "pipeline" || values.pipeline);
for (const name of selected) {
  if (!benchmarks[name]) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(", ")}`);
    process.exit(2);
  }
}

const resultsFile = new URL("../results.json", import.meta.url);
const docsDir = new URL("../docs/", import.meta.url);
const previous: Results | undefined = existsSync(resultsFile)
  ? (JSON.parse(readFileSync(resultsFile, "utf8")) as Results)
  : undefined;
const loadAtStart = round(os.loadavg()[0] ?? 0, 2);
const fresh: Record<string, BenchmarkResult> = {};
const started = performance.now();
for (const name of selected) {
  console.log(`\n▶ ${name}`);
  const result = await (benchmarks[name] as () => Promise<BenchmarkResult>)();
  fresh[name] = result;
  console.log(consoleTable(result));
}

const results: Results = {
  generatedAt: new Date().toISOString(),
  command: `pnpm bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  environment: {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAverage: [loadAtStart, round(os.loadavg()[0] ?? 0, 2)],
  },
  // Benchmarks not run this time keep their last results (and their own measuredAt).
  benchmarks: { ...previous?.benchmarks, ...fresh },
};
writeFileSync(resultsFile, `${formatJson(results)}\n`);
mkdirSync(docsDir, { recursive: true });
writeFileSync(new URL("benchmarks.svg", docsDir), svg(results));
writeFileSync(new URL("benchmarks.md", docsDir), markdown(results, { changes: CHANGES, gaps }));
// Lay the files out as `pnpm lint` wants them (Biome aligns the Markdown tables).
const biome = fileURLToPath(new URL("../../../node_modules/.bin/biome", import.meta.url));
if (existsSync(biome)) {
  const files = [resultsFile, new URL("benchmarks.md", docsDir)].map((url) => fileURLToPath(url));
  const format = spawnSync(biome, ["format", "--write", ...files], { encoding: "utf8" });
  if (format.status !== 0) console.warn(`biome format failed:\n${format.stdout}${format.stderr}`);
}

const rows = Object.values(results.benchmarks).flatMap((b) => b.rows.filter((row) => row.target));
const met = rows.filter((row) => row.met).length;
console.log(
  `\n${met} of ${rows.length} targets met; ${Object.keys(fresh).length} benchmarks in ` +
    `${round((performance.now() - started) / 1000, 1)} s. Wrote tools/bench/results.json and tools/bench/docs/benchmarks.md.`,
);
