import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { type BenchmarkResult, check } from "../result.js";
import { round } from "../stats.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

/** The bounds on this 2-core machine: a cold `pnpm test`, and a rerun with no change. */
const COLD_MAX_S = 90;
const RERUN_MAX_S = 3;

interface Run {
  seconds: number;
  /** CPU time (user + system) of the whole process tree, once it has exited; undefined off Linux. */
  cpuSeconds: number | undefined;
  code: number | null;
  tasks: string;
  cached: string;
  /** Every task of the run came from the cache. */
  full: boolean;
}

/** CPU time of this process's exited and waited-for descendants (Linux: /proc/self/stat cutime + cstime). */
function childrenCpuSeconds(): number | undefined {
  try {
    // The fields after the command name, which is in parentheses and may contain spaces.
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    // cutime and cstime are fields 16 and 17 of stat(5); fields[0] here is field 3.
    return (Number(fields[13]) + Number(fields[14])) / ticks;
  } catch {
    return undefined;
  }
}

/** Runs `pnpm test ...args` from the repository root (turbo's log tail to the console) and times it. */
function pnpmTest(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuSeconds();
    const start = performance.now();
    const child = spawn("pnpm", ["test", ...args, "--output-logs=errors-only"], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const seconds = (performance.now() - start) / 1000;
      const cpuAfter = childrenCpuSeconds();
      const tasks = /Tasks:\s+(.+)/.exec(output)?.[1]?.trim() ?? "?";
      const cached = /Cached:\s+(.+)/.exec(output)?.[1]?.trim() ?? "?";
      const [hits, total] = /(\d+) cached, (\d+) total/.exec(cached)?.slice(1) ?? [];
      // A failed task's log (turbo prints only those): the tail, so the table's note can be trusted.
      if (code !== 0) console.log(output.split("\n").slice(-60).join("\n"));
      resolve({
        seconds,
        cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
        code,
        tasks,
        cached,
        full: hits !== undefined && hits === total,
      });
    });
  });
}

/**
 * The pipeline: the root `pnpm test` with every task forced to run (`--force`: a cold cache), then
 * again with no change (served from turbo's cache), against the bounds.
 */
export async function pipeline(): Promise<BenchmarkResult> {
  const started = performance.now();
  const script = (
    JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { scripts: Record<string, string> }
  ).scripts.test as string;
  const loadBefore = round(os.loadavg()[0] ?? 0, 2);
  const cold = await pnpmTest(["--force"]);
  const first = await pnpmTest([]);
  // Not all from the cache: a task failed cold (it re-runs) or a file changed meanwhile; once more.
  const warm = first.full ? first : await pnpmTest([]);
  const cores = os.cpus().length;
  const busy = cold.cpuSeconds === undefined ? undefined : cold.cpuSeconds / cores;
  const rerun = check({
    case: "no change since the last run",
    baseline: "cold (--force)",
    subject: "cached rerun",
    unit: "s",
    baselineValue: round(cold.seconds, 1),
    subjectValue: round(warm.seconds, 2),
    ratio: round(cold.seconds / warm.seconds, 1),
    target: {
      on: "value",
      op: "<=",
      value: RERUN_MAX_S,
      text: `≤ ${RERUN_MAX_S} s, every task from the cache`,
    },
  });
  return {
    id: "pipeline",
    title: "Pipeline (`pnpm test`)",
    ratio:
      "cold: wall time / the CPU time spread over every core (1 = both cores busy throughout); rerun: cold time / cached rerun time",
    method:
      `\`pnpm test --force\` (\`${script}\`: every task runs, a cold cache) and then \`pnpm test\` with no ` +
      "change in between (every task a cache hit), both from the repository root with `--output-logs=errors-only`. " +
      "The CPU time is that of the whole process tree (Linux). Only with `pnpm bench -- --pipeline` (or `--only " +
      "pipeline`): the cold run takes over a minute, and the machine should be otherwise idle.",
    rows: [
      check({
        case: "cold: every task runs",
        baseline: `CPU time / ${cores} cores`,
        subject: "cold run",
        unit: "s",
        baselineValue: busy === undefined ? 0 : round(busy, 1),
        subjectValue: round(cold.seconds, 1),
        ratio: busy === undefined ? 0 : round(cold.seconds / busy, 2),
        target: { on: "value", op: "<=", value: COLD_MAX_S, text: `≤ ${COLD_MAX_S} s` },
      }),
      // A rerun that is fast but not all from the cache misses the target.
      { ...rerun, met: rerun.met === true && warm.full },
    ],
    notes: [
      `cold: exit ${cold.code}, tasks ${cold.tasks}, cached ${cold.cached}` +
        (cold.cpuSeconds === undefined ? "" : `, ${round(cold.cpuSeconds, 1)} CPU-s (user + system)`) +
        `, 1-minute load average ${loadBefore} before it`,
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
