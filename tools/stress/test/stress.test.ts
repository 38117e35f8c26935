// The stress script's logic on tiny commands instead of `pnpm test`: run count, stop at the first failure,
// exit codes, wall-time lines, and that no burner (or run) outlives it, whether it ends or is stopped.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_COMMAND, parseOptions } from "../src/stress.mjs";

const script = fileURLToPath(new URL("../src/stress.mjs", import.meta.url));

describe("parseOptions", () => {
  it("defaults to 3 runs of the uncached `pnpm test` beside 2 burners", () => {
    expect(parseOptions([])).toEqual({ runs: 3, burners: 2, command: "pnpm test --force" });
    expect(DEFAULT_COMMAND).toBe("pnpm test --force");
  });

  it("ignores the `--` that `pnpm ... stress -- --runs 1` passes on", () => {
    expect(parseOptions(["--", "--runs", "1"]).runs).toBe(1);
  });

  it("takes --runs, --burners and --command", () => {
    expect(parseOptions(["--runs", "5", "--burners", "0", "--command", "true"])).toEqual({
      runs: 5,
      burners: 0,
      command: "true",
    });
  });

  it.each([
    [["--runs", "0"], '--runs must be an integer >= 1, got "0"'],
    [["--runs", "two"], '--runs must be an integer >= 1, got "two"'],
    [["--runs", "1.5"], '--runs must be an integer >= 1, got "1.5"'],
    [["--burners=-1"], '--burners must be an integer >= 0, got "-1"'],
    [["--command", " "], "--command must not be empty"],
    [["--rnus", "3"], "Unknown option '--rnus'"],
  ])("rejects %j, naming the option", (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(message);
  });
});

/** True while the process runs: a zombie (exited, not yet reaped by its new parent) counts as gone. */
function alive(pid: number) {
  if (existsSync("/proc/self/stat")) {
    try {
      return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every pid a test saw, killed afterwards: a failing test must not leave a burner spinning. */
const seen = new Set<number>();

const burnerPids = (stdout: string) =>
  (/CPU burner\(s\) \(pids ([\d ]+)\)/.exec(stdout)?.[1] ?? "").split(" ").filter(Boolean).map(Number);

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runStress(args: string[], cwd: string): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const pid of burnerPids(stdout)) seen.add(pid);
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<Finished>((resolve) =>
    child.once("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

/** A shell command (fast: no node start-up under the burners' load) that logs its run and fails if a burner is gone. */
const probe = (log: string, failOnRun = 0) =>
  `for p in $STRESS_BURNER_PIDS; do kill -0 $p || exit 9; done; ` +
  `echo "$STRESS_RUN $(echo $STRESS_BURNER_PIDS | wc -w)" >> '${log}'; [ "$STRESS_RUN" != ${failOnRun} ] || exit 3`;

describe("stress.mjs", () => {
  let scratch: string;
  let log: string;
  beforeEach(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "stress-"));
    log = path.join(scratch, "runs.log");
  });
  afterEach(async () => {
    for (const pid of seen) if (alive(pid)) process.kill(pid, "SIGKILL");
    seen.clear();
    await rm(scratch, { recursive: true, force: true });
  });

  it("runs the command N times beside the burners, prints each wall time, exits 0 and leaves no burner", async () => {
    const { done } = runStress(["--runs", "3", "--burners", "2", "--command", probe(log)], scratch);
    const { code, stdout } = await done;
    expect(code, stdout).toBe(0);
    expect(await readFile(log, "utf8")).toBe("1 2\n2 2\n3 2\n");
    for (const run of [1, 2, 3])
      expect(stdout).toMatch(new RegExp(`stress: run ${run}/3 passed in \\d+\\.\\d s`));
    expect(stdout).toMatch(/stress: all 3 run\(s\) passed \(wall times: \d+\.\d s, \d+\.\d s, \d+\.\d s\)/);
    const pids = burnerPids(stdout);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid), `burner ${pid}`).toBe(false);
  });

  it("stops at the first failed run with exit 1, and still kills the burners", async () => {
    const { done } = runStress(["--runs", "3", "--burners", "1", "--command", probe(log, 2)], scratch);
    const { code, stdout } = await done;
    expect(code, stdout).toBe(1);
    expect(await readFile(log, "utf8")).toBe("1 1\n2 1\n");
    expect(stdout).toMatch(/stress: run 2\/3 FAILED \(exit 3\) in \d+\.\d s/);
    expect(stdout).toContain("stress: stopped at run 2 of 3: it failed");
    for (const pid of burnerPids(stdout)) expect(alive(pid), `burner ${pid}`).toBe(false);
  });

  it("stopped by SIGTERM mid-run: ends the run's whole process group and the burners", async () => {
    // The run starts a grandchild that waits forever and prints its pid: the signal is sent once it runs.
    // Only a kill of the whole process group reaches the grandchild.
    const hang = `sleep 1000 & echo "run-pid $!"; wait`;
    const { child, done } = runStress(["--runs", "2", "--burners", "1", "--command", hang], scratch);
    const runPid = await new Promise<number>((resolve) => {
      let text = "";
      child.stdout?.on("data", (chunk: string) => {
        text += chunk;
        const match = /run-pid (\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
    });
    seen.add(runPid);
    child.kill("SIGTERM");
    const { code, stdout } = await done;
    expect(code, stdout).toBe(143);
    expect(stdout).toContain("stress: stopped by SIGTERM; burners killed");
    for (const pid of burnerPids(stdout)) expect(alive(pid), `burner ${pid}`).toBe(false);
    // `done` waits for the script's stdout to close, which the run shares: the run has exited too.
    expect(alive(runPid), `run ${runPid}`).toBe(false);
  });

  it("rejects bad options with exit 2 and the usage, starting nothing", async () => {
    const { code, stderr, stdout } = await runStress(["--runs", "0"], scratch).done;
    expect(code).toBe(2);
    expect(stderr).toContain('--runs must be an integer >= 1, got "0"');
    expect(stderr).toContain("usage: stress.mjs");
    expect(stdout).toBe("");
  });
});
