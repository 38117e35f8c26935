#!/usr/bin/env node
// The robustness proof: the full, uncached `pnpm test` (turbo --force) N times in a row while two
// CPU-bound processes (`node -e 'for(;;);'`) take the cores, as on a busy shared CI machine. Stops at the
// first failed run, always kills the burners, prints each run's wall time; exit 0 only if every run passed.
//
//   node tools/stress/src/stress.mjs [--runs N] [--burners N] [--command "shell command"]
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The root `pnpm test` with turbo's --force: every task runs, nothing is served from the cache. */
export const DEFAULT_COMMAND = "pnpm test --force";
export const USAGE =
  'usage: stress.mjs [--runs N (3)] [--burners N (2)] [--command "shell command" (pnpm test --force)]';

/**
 * @typedef {{ runs: number, burners: number, command: string }} StressOptions
 * @typedef {{ run: number, seconds: number, exitCode: number | null, signal: NodeJS.Signals | null }} RunResult
 */

/**
 * @param {string} name
 * @param {string | undefined} value
 * @param {number} fallback
 * @param {number} min
 */
function count(name, value, fallback, min) {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min)
    throw new Error(`--${name} must be an integer >= ${min}, got "${value}"`);
  return parsed;
}

/**
 * @param {string[]} argv the arguments after the script
 * @returns {StressOptions}
 */
export function parseOptions(argv) {
  const { values } = parseArgs({
    // `pnpm ... stress -- --runs 1` passes the `--` on.
    args: argv[0] === "--" ? argv.slice(1) : argv,
    options: { runs: { type: "string" }, burners: { type: "string" }, command: { type: "string" } },
    strict: true,
    allowPositionals: false,
  });
  if (values.command !== undefined && values.command.trim() === "")
    throw new Error("--command must not be empty");
  return {
    runs: count("runs", values.runs, 3, 1),
    burners: count("burners", values.burners, 2, 0),
    command: values.command ?? DEFAULT_COMMAND,
  };
}

/** @param {number} howMany */
export function startBurners(howMany) {
  return Array.from({ length: howMany }, () =>
    spawn(process.execPath, ["-e", "for(;;);"], { stdio: "ignore" }),
  );
}

/**
 * Kills the burners and waits until each has exited, so none outlives the script.
 * @param {import("node:child_process").ChildProcess[]} burners
 */
export async function stopBurners(burners) {
  await Promise.all(
    burners.map(
      (burner) =>
        new Promise((resolve) => {
          if (burner.exitCode !== null || burner.signalCode !== null) return resolve(undefined);
          burner.once("exit", resolve);
          burner.kill("SIGKILL");
        }),
    ),
  );
}

/**
 * Runs `command` up to `runs` times beside `burners` CPU burners; stops at the first failure.
 * @param {StressOptions & { cwd?: string, log?: (line: string) => void }} options
 * @returns {Promise<{ passed: boolean, results: RunResult[] }>}
 */
export async function stress({ runs, burners: burnerCount, command, cwd = repoRoot, log = console.log }) {
  const burners = startBurners(burnerCount);
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let current;
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    // The run is its own process group (pnpm, turbo and every task under it): stop all of it, then the burners.
    if (current?.pid !== undefined && current.exitCode === null) {
      try {
        process.kill(-current.pid, "SIGTERM");
      } catch {}
    }
    void stopBurners(burners).then(() => {
      log(`stress: stopped by ${signal}; burners killed`);
      process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGHUP" ? 1 : 15));
    });
  };
  const signals = /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"]);
  for (const signal of signals) process.on(signal, onSignal);

  /** @type {RunResult[]} */
  const results = [];
  try {
    const pids = burners.map((b) => b.pid).join(" ");
    log(
      `stress: ${runs} run(s) of \`${command}\` in ${cwd}, beside ${burners.length} CPU burner(s)${pids ? ` (pids ${pids})` : ""}`,
    );
    for (let run = 1; run <= runs; run++) {
      const started = performance.now();
      current = spawn(command, {
        cwd,
        shell: true,
        stdio: "inherit",
        detached: true,
        env: { ...process.env, STRESS_RUN: String(run), STRESS_BURNER_PIDS: pids },
      });
      const child = current;
      /** @type {{ exitCode: number | null, signal: NodeJS.Signals | null }} */
      const outcome = await new Promise((resolve) => {
        child.once("error", () => resolve({ exitCode: 127, signal: null }));
        child.once("exit", (exitCode, signal) => resolve({ exitCode, signal }));
      });
      const seconds = (performance.now() - started) / 1000;
      results.push({ run, seconds, ...outcome });
      const ok = outcome.exitCode === 0;
      const how = outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.exitCode}`;
      log(`stress: run ${run}/${runs} ${ok ? "passed" : `FAILED (${how})`} in ${seconds.toFixed(1)} s`);
      if (!ok) break;
    }
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    await stopBurners(burners);
  }
  const passed = results.length === runs && results.every((r) => r.exitCode === 0);
  const times = results.map((r) => `${r.seconds.toFixed(1)} s`).join(", ");
  log(
    passed
      ? `stress: all ${runs} run(s) passed (wall times: ${times})`
      : `stress: stopped at run ${results.length} of ${runs}: it failed (wall times: ${times})`,
  );
  return { passed, results };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  /** @type {StressOptions} */
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`stress: ${error instanceof Error ? error.message : error}\n${USAGE}`);
    process.exit(2);
  }
  const { passed } = await stress(options);
  process.exit(passed ? 0 : 1);
}
