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
      resolve({ seconds: (performance.now() - start) / 1000, code, tasks, cached });
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
  const args = script.split(/\s+/).slice(2); // after "turbo run"
  const cold = await turbo([...args, "--force", "--output-logs=errors-only"]);
  const warm = await turbo([...args, "--output-logs=errors-only"]);
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
      `rerun: exit ${warm.code}, tasks ${warm.tasks}, cached ${warm.cached}`,
    ],
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
