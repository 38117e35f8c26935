// The real bin (`node dist/cli.js`) as a child process against the reference provider: stopped by
// SIGTERM and SIGINT once it printed an alert (exit 0, checkpoint written, nothing repeated or
// missed across the restart), and an exit code of its own. Synchronised on its output lines.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Provider } from "@workflows-kit/provider";
import { jsonLine, killLeftovers, startProcess } from "@workflows-kit/testing/drills";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACCOUNT, API_KEY, DEFINITION, instancesNow, providerWith, terminatedNow } from "./support.js";

const bin = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
/** A monitor that never stops is killed before the test's own bound (vitest.drills.config.ts). */
const HARD_TIMEOUT_MS = 45_000;

let dir: string;
let provider: Provider | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "wk-monitor-bin-"));
});
afterEach(async () => {
  killLeftovers();
  await provider?.close();
  provider = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Starts the bin with only PATH and its own variables in the environment. */
const workflowsMonitor = (baseUrl: string, args: string[]) =>
  startProcess(
    process.execPath,
    [
      bin,
      "--account",
      ACCOUNT,
      "--definition",
      DEFINITION,
      "--checkpoint",
      path.join(dir, "checkpoint.json"),
      ...args,
    ],
    {
      env: { WORKFLOWS_API_KEY: API_KEY, WORKFLOWS_BASE_URL: baseUrl },
      hardTimeoutMs: HARD_TIMEOUT_MS,
    },
  );

const checkpointIds = async () =>
  Object.keys(
    JSON.parse(await readFile(path.join(dir, "checkpoint.json"), "utf8")).definitions[0].reported,
  ).sort();

describe("workflows-monitor (node dist/cli.js)", () => {
  it("is built (turbo builds this package before its drills)", () => {
    expect(existsSync(bin), `${bin} is missing: run pnpm build first`).toBe(true);
  });

  it("SIGTERM, then SIGINT after a restart: exit 0 both times, checkpoint written, nothing repeated or missed", async () => {
    const [running, done] = instancesNow(["Runnable", "Terminated"]);
    if (!running || !done) throw new Error("no data");
    provider = await providerWith([running, done]);

    const first = workflowsMonitor(provider.url, ["--interval", "200ms", "--verbose"]);
    await first.stdout.waitFor(
      jsonLine((l) => l.workflowId === done.workflowId),
      { what: "the first alert" },
    );
    first.signal("SIGTERM");
    const firstExit = await first.exited;
    expect([firstExit.code, firstExit.signal], firstExit.stderr).toEqual([0, null]);
    expect(first.stderr.json().at(-1)).toMatchObject({ event: "stopped", reason: "SIGTERM", exitCode: 0 });
    expect(await checkpointIds()).toEqual([done.workflowId]);

    // While it is down: the running instance terminates, and a new one starts and terminates.
    provider.updateInstance(DEFINITION, running.workflowId, terminatedNow());
    const [fresh] = instancesNow(["Terminated"], 2);
    if (!fresh) throw new Error("no data");
    provider.insertInstances(DEFINITION, [fresh]);

    const second = workflowsMonitor(provider.url, ["--interval", "200ms", "--verbose"]);
    await second.stderr.waitFor(
      jsonLine((l) => l.event === "poll"),
      { what: "the first poll" },
    );
    second.signal("SIGINT");
    const secondExit = await second.exited;
    expect([secondExit.code, secondExit.signal], secondExit.stderr).toEqual([0, null]);
    expect(second.stderr.json().at(-1)).toMatchObject({ event: "stopped", reason: "SIGINT", exitCode: 0 });
    expect(
      second.stdout
        .json()
        .map((l) => l.workflowId)
        .sort(),
    ).toEqual([running.workflowId, fresh.workflowId].sort());
    expect(await checkpointIds()).toEqual([done.workflowId, running.workflowId, fresh.workflowId].sort());
    expect(`${firstExit.stdout}${firstExit.stderr}${secondExit.stdout}${secondExit.stderr}`).not.toContain(
      API_KEY,
    );
  });

  it("exits 4 for a definition the server does not know, with a fatal line on stderr", async () => {
    provider = await providerWith([]);
    const m = workflowsMonitor(provider.url, ["--definition", "2aa9465e-dec7-4c3e-8fa6-bd168af9eaca"]);
    const exit = await m.exited;
    expect([exit.code, exit.signal], exit.stderr).toEqual([4, null]);
    expect(m.stderr.json().at(-1)).toMatchObject({
      event: "fatal",
      error: "NotFoundError",
      status: 404,
      exitCode: 4,
    });
  });
});
