// The checkpoint file's temporary file when the process exits mid-write, as the bin does on a second
// Ctrl-C (`process.exit(130)` while stopping): a real process, since only its exit shows it.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startProcess } from "@workflows-kit/testing/drills";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const index = fileURLToPath(new URL("../../dist/index.js", import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "wk-monitor-exit-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("fileCheckpointStore when the process exits mid-write", () => {
  it("leaves no temporary file beside the checkpoint (the old checkpoint stays)", async () => {
    const file = path.join(dir, "checkpoint.json");
    // First a complete save; then a second one that the exit interrupts right after it created its temporary file.
    const script = `
      import { existsSync } from "node:fs";
      import { fileCheckpointStore } from ${JSON.stringify(index)};
      const store = fileCheckpointStore(${JSON.stringify(file)});
      await store.save({ definitions: [] }, "2021-07-01T00:00:00.000Z");
      void store.save({ definitions: [] }, "2021-07-01T00:01:00.000Z");
      console.log(existsSync(${JSON.stringify(`${file}.`)} + process.pid + ".tmp") ? "writing" : "not writing");
      process.exit(130);
    `;
    const exit = await startProcess(process.execPath, ["--input-type=module", "-e", script], {}).exited;
    expect([exit.code, exit.stdout.trim()], exit.stderr).toEqual([130, "writing"]);
    expect(await readdir(dir)).toEqual(["checkpoint.json"]);
  });
});
