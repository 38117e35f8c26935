// The CLI's fault drills in-process through run(): exit code, stdout, one stderr line, request
// count and time window (scenarios.ts); no unhandled rejection; no timer, socket or server left.
import * as reference from "@workflows-kit/provider";
import { failOnUnhandled, stage, withoutLeaks } from "@workflows-kit/testing/drills";
import { describe, it } from "vitest";
import { ids } from "../support/data.js";
import { API_KEY, cli } from "../support/io.js";
import { cliDrills, expectCliOutcome } from "./scenarios.js";

failOnUnhandled();

describe("CLI fault drills (in-process run())", () => {
  it.each(cliDrills)(
    "$name",
    (drill) =>
      withoutLeaks(async () => {
        const staged = await stage(drill, reference);
        try {
          const [command = "list", ...rest] = drill.command;
          const started = performance.now();
          const result = await cli([command, ...ids, ...rest], {
            baseUrl: staged.faults.url,
            env: drill.env,
          });
          const elapsed = performance.now() - started;
          expectCliOutcome(drill, result, staged, elapsed, API_KEY);
        } finally {
          await staged.close();
        }
      }),
    30_000,
  );
});
