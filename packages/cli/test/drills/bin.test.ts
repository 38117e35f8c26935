// The CLI's fault drills marked `bin`, as the real bin: `node dist/cli.js` in a child process.
// Besides the outcome, the process must exit by itself soon after its last output (a timer or
// socket left behind would keep it alive); a hard timeout kills one that hangs.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as reference from "@workflows-kit/provider";
import { type ChildResult, runChild, SLACK_MS, stage } from "@workflows-kit/testing/drills";
import { describe, expect, it } from "vitest";
import { ids } from "../support/data.js";
import { API_KEY } from "../support/io.js";
import { cliDrills, expectCliOutcome } from "./scenarios.js";

const bin = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
/** From the last byte of output to the exit: the exit itself takes a few ms. */
const EXIT_WITHIN_MS = 3_000;

/** `workflows ...args` as a child process; SIGKILL after `hardTimeoutMs`. */
const workflows = (
  args: string[],
  env: Record<string, string>,
  hardTimeoutMs: number,
): Promise<ChildResult> => runChild([bin, ...args], { env, hardTimeoutMs });

describe("CLI fault drills (node dist/cli.js)", () => {
  it("the bin is built (turbo builds this package before its tests)", () => {
    expect(existsSync(bin), `${bin} is missing: run pnpm build first`).toBe(true);
  });

  it.each(cliDrills.filter((drill) => drill.bin))(
    "$name",
    async (drill) => {
      const staged = await stage(drill, reference);
      let result: ChildResult;
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
