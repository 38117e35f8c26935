import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type BenchmarkResult, check } from "../result.js";
import { round } from "../stats.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

interface Run {
  seconds: number;
  code: number | null;
  tasks: string;
  cached: string;
  /** Every task of the run came from the cache. */
  full: boolean;
}

/** Runs turbo with `args` from the repository root, output to the console, and times it. */
function turbo(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn("pnpm", ["exec", "turbo", "run", ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const tasks = /Tasks:\s+(.+)/.exec(output)?.[1]?.trim() ?? "?";
      const cached = /Cached:\s+(.+)/.exec(output)?.[1]?.trim() ?? "?";
      const [hits, total] = /(\d+) cached, (\d+) total/.exec(cached)?.slice(1) ?? [];
      // A failed task's log (turbo prints only those): the tail, so the table's note can be trusted.
      if (code !== 0) console.log(output.split("\n").slice(-60).join("\n"));
      resolve({
        seconds: (performance.now() - start) / 1000,
        code,
        tasks,
        cached,
        full: hits !== undefined && hits === total,
      });
    });
  });
}

/**
 * The pipeline: the root `pnpm test` (its turbo tasks, read from package.json) with every task
 * forced to run (a cold cache), then again with no change (served from turbo's cache).
 */
export async function pipeline(): Promise<BenchmarkResult> {
  const started = performance.now();
  const script = (
    JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { scripts: Record<string, string> }
  ).scripts.test as string;
  const words = script.split(/\s+/);
  const args = words.slice(words.indexOf("run") + 1); // after "[VAR=1 ]turbo run"
  const cold = await turbo([...args, "--force", "--output-logs=errors-only"]);
  const first = await turbo([...args, "--output-logs=errors-only"]);
  // Not all from the cache: a task failed cold (it re-runs) or a file changed meanwhile; once more.
  const warm = first.full ? first : await turbo([...args, "--output-logs=errors-only"]);
  return {
    id: "pipeline",
    title: "Pipeline (`pnpm test`)",
    ratio: "cold time / cached rerun time (how much the turbo cache saves)",
    method:
      `\`turbo run ${args.join(" ")}\` (the root \`pnpm test\`) with \`--force\` (every task runs: a cold cache), ` +
      "then again with no change in between (every task a cache hit). Only with `pnpm bench -- --pipeline`: the " +
      "cold run takes minutes.",
    rows: [
      check({
        case: "no change since the last run",
        baseline: "cold (--force)",
        subject: "cached rerun",
        unit: "s",
        baselineValue: round(cold.seconds, 1),
        subjectValue: round(warm.seconds, 1),
        ratio: round(cold.seconds / warm.seconds, 1),
      }),
    ],
    notes: [
      `cold: exit ${cold.code}, tasks ${cold.tasks}, cached ${cold.cached}`,
      ...(first === warm
        ? []
        : [
            `first rerun: ${first.seconds.toFixed(1)} s, cached ${first.cached} (not all from the cache: run again)`,
          ]),
      `rerun: exit ${warm.code}, tasks ${warm.tasks}, cached ${warm.cached}`,
      ...(cold.code === 0 && warm.full
        ? []
        : [
            "Not a clean measurement: the cold run failed or the rerun was not all from the cache (see above).",
          ]),
    ],
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
