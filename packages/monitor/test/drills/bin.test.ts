// The real bin (`node dist/cli.js`) as a child process against the reference provider: stopped by
// SIGTERM and SIGINT once it printed an alert (exit 0, checkpoint written, nothing repeated or
// missed across the restart), and an exit code of its own. Synchronised on its output lines.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  API_KEY,
  DEFINITION,
  EVENT_WITHIN_MS,
  instancesNow,
  Lines,
  type Provider,
  providerWith,
  terminate,
} from "./support.js";

const bin = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

let dir: string;
let provider: Provider | undefined;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "wk-monitor-bin-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await provider?.close();
  provider = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Spawns the bin; `exited` resolves with its exit code and signal. */
function workflowsMonitor(baseUrl: string, args: string[]) {
  const child = spawn(
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
      env: { PATH: process.env.PATH ?? "", WORKFLOWS_API_KEY: API_KEY, WORKFLOWS_BASE_URL: baseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  const stdout = new Lines();
  const stderr = new Lines();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout.feed(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.feed(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no exit within ${EVENT_WITHIN_MS} ms:\n${stderr.all.join("\n")}`)),
      EVENT_WITHIN_MS,
    );
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  return { child, stdout, stderr, exited };
}

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
    await first.stdout.waitFor("the first alert", (l) => l.workflowId === done.workflowId);
    first.child.kill("SIGTERM");
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.stderr.json.at(-1)).toMatchObject({ event: "stopped", reason: "SIGTERM", exitCode: 0 });
    expect(await checkpointIds()).toEqual([done.workflowId]);

    // While it is down: the running instance terminates, and a new one starts and terminates.
    terminate(provider, running.workflowId);
    const [fresh] = instancesNow(["Terminated"], 2);
    if (!fresh) throw new Error("no data");
    provider.insertInstances(DEFINITION, [fresh]);

    const second = workflowsMonitor(provider.url, ["--interval", "200ms", "--verbose"]);
    await second.stderr.waitFor("the first poll", (l) => l.event === "poll");
    second.child.kill("SIGINT");
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(second.stderr.json.at(-1)).toMatchObject({ event: "stopped", reason: "SIGINT", exitCode: 0 });
    expect(second.stdout.json.map((l) => l.workflowId).sort()).toEqual(
      [running.workflowId, fresh.workflowId].sort(),
    );
    expect(await checkpointIds()).toEqual([done.workflowId, running.workflowId, fresh.workflowId].sort());
    expect(`${first.stderr.all}${second.stderr.all}`).not.toContain(API_KEY);
  });

  it("exits 4 for a definition the server does not know, with a fatal line on stderr", async () => {
    provider = await providerWith([]);
    const m = workflowsMonitor(provider.url, ["--definition", "2aa9465e-dec7-4c3e-8fa6-bd168af9eaca"]);
    expect(await m.exited).toEqual({ code: 4, signal: null });
    expect(m.stderr.json.at(-1)).toMatchObject({
      event: "fatal",
      error: "NotFoundError",
      status: 404,
      exitCode: 4,
    });
  });
});
