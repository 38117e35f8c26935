// The CLI's fault drills marked `bin`, as the real bin: `node dist/cli.js` in a child process.
// Besides the outcome, the process must exit by itself soon after its last output (a timer or
// socket left behind would keep it alive); a hard timeout kills one that hangs.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ids } from "../support/data.js";
import { API_KEY } from "../support/io.js";
import { cliDrills, expectCliOutcome, SLACK_MS, stage } from "./scenarios.js";

const bin = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
/** From the last byte of output to the exit: the exit itself takes a few ms. */
const EXIT_WITHIN_MS = 3_000;

interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** performance.now() of the spawn, of the last output chunk, and of the exit. */
  startedAt: number;
  lastOutputAt: number;
  exitedAt: number;
}

function workflows(args: string[], env: Record<string, string>, hardTimeoutMs: number): Promise<BinResult> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let lastOutputAt = startedAt;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    lastOutputAt = performance.now();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    lastOutputAt = performance.now();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), hardTimeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, startedAt, lastOutputAt, exitedAt: performance.now() });
    });
  });
}

describe("CLI fault drills (node dist/cli.js)", () => {
  it("the bin is built (turbo builds this package before its tests)", () => {
    expect(existsSync(bin), `${bin} is missing: run pnpm build first`).toBe(true);
  });

  it.each(cliDrills.filter((drill) => drill.bin))(
    "$name",
    async (drill) => {
      const staged = await stage(drill);
      let result: BinResult;
      try {
        const [command = "list", ...rest] = drill.command;
        const env = { WORKFLOWS_API_KEY: API_KEY, WORKFLOWS_BASE_URL: staged.faults.url, ...drill.env };
        result = await workflows([command, ...ids, ...rest], env, drill.maxMs + SLACK_MS + 15_000);
      } finally {
        await staged.close();
      }
      expect(result.signal, `killed after the hard timeout; stderr: ${result.stderr}`).toBeNull();
      // The bin's elapsed time includes Node's start-up, which SLACK_MS covers.
      expectCliOutcome(drill, result, staged, result.exitedAt - result.startedAt, API_KEY);
      expect(result.exitedAt - result.lastOutputAt).toBeLessThan(EXIT_WITHIN_MS);
    },
    60_000,
  );
});
