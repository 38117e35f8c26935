// The fault drills again, each in a child Node process running the package's built dist
// (driver.mjs): the same outcome, request count and time window as in-process, no unhandled
// rejection, and the process exits by itself soon after the work is done; a timer or socket the
// client left behind would keep it alive. A hard timeout kills a child that hangs.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as reference from "@workflows-kit/provider";
import { type ChildResult, type Outcome, runChild, SLACK_MS, stage } from "@workflows-kit/testing/drills";
import { beforeAll, describe, expect, it } from "vitest";
import { API_KEY, drills, expectOutcome, ids } from "./scenarios.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const driver = fileURLToPath(new URL("./driver.mjs", import.meta.url));
/** Time from the driver's result line to the process's exit (the exit itself takes a few ms). */
const EXIT_WITHIN_MS = 3_000;

/** Newest modification time of the files below `dir` that end with `suffix`. */
function newest(dir: string, suffix: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(suffix)) {
      latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return latest;
}

beforeAll(async () => {
  // turbo builds the package before its tests (and sets TURBO_HASH); a direct `vitest run` after
  // editing src/ would otherwise drill yesterday's dist.
  const dist = path.join(root, "dist");
  const missing = !existsSync(path.join(dist, "index.js"));
  const stale = () =>
    process.env.TURBO_HASH === undefined && newest(dist, ".js") < newest(path.join(root, "src"), ".ts");
  if (missing || stale()) {
    const tsc = path.join(root, "node_modules/.bin/tsc");
    await promisify(execFile)(tsc, ["-p", "tsconfig.build.json"], { cwd: root, timeout: 120_000 });
  }
}, 130_000);

/** Runs driver.mjs with `config`; kills it (SIGKILL) after `hardTimeoutMs`. */
const runDriver = (config: unknown, hardTimeoutMs: number): Promise<ChildResult> =>
  runChild([driver], {
    cwd: root,
    env: { DRILL_CONFIG: JSON.stringify(config), DRILL_API_KEY: API_KEY },
    hardTimeoutMs,
  });

describe("fault drills (child process, built dist)", () => {
  it.each(drills)(
    "$name",
    async (drill) => {
      const staged = await stage(drill, reference);
      let result: ChildResult;
      try {
        const config = { baseUrl: staged.faults.url, options: drill.options, call: drill.call, ids };
        result = await runDriver(config, drill.maxMs + SLACK_MS + 15_000);
      } finally {
        await staged.close();
      }
      expect(result.signal, `killed after the hard timeout; stderr: ${result.stderr}`).toBeNull();
      expect(result.stderr).toBe(""); // no unhandled rejection, no warning
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(API_KEY);
      const report = JSON.parse(result.stdout) as {
        outcome: Outcome;
        elapsedMs: number;
        resources: string[];
      };
      expectOutcome(drill, report.outcome, staged, report.elapsedMs);
      // Nothing but stdio keeps the child alive once the call settled, and it exits on its own.
      expect(report.resources).toEqual([]);
      expect(result.exitedAt - (result.firstLineAt ?? Number.POSITIVE_INFINITY)).toBeLessThan(EXIT_WITHIN_MS);
    },
    60_000,
  );

  it("the checks are not vacuous: a timer left behind is reported, and delays the exit", async () => {
    const drill = drills.find((d) => d.call.kind === "list" && "ok" in d.expected && d.maxMs === 0);
    if (!drill) throw new Error("no quick drill to borrow");
    const staged = await stage(drill, reference);
    let result: ChildResult;
    try {
      const config = {
        baseUrl: staged.faults.url,
        options: drill.options,
        call: drill.call,
        ids,
        // Holds the child this long after its result line: the exit bound plus 5 s for a parent that reads the line late.
        leakTimerMs: EXIT_WITHIN_MS + 5_000,
      };
      result = await runDriver(config, 30_000);
    } finally {
      await staged.close();
    }
    const report = JSON.parse(result.stdout) as { resources: string[] };
    expect(report.resources).toContain("Timeout");
    // The leak held it past the bound the drills hold every child to.
    expect(result.exitedAt - (result.firstLineAt ?? 0)).toBeGreaterThan(EXIT_WITHIN_MS);
  }, 60_000);
});
