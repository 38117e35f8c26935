// The real bin as a process: `node dist/cli.js` against loopback servers, for what only a process
// shows — its exit code, a reader that goes away (| head), Ctrl-C mid-walk. Synchronised on output
// and on the server's receipt of requests, never on sleeps; a hard timeout only kills a hung child.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { WorkflowInstance } from "@workflows-kit/client";
import { startProvider } from "@workflows-kit/provider";
import { killLeftovers, type RunningProcess, startProcess, startServer } from "@workflows-kit/testing/drills";
import { afterEach, describe, expect, it } from "vitest";
import { accountId, definitionId, generated, ids } from "../support/data.js";
import { API_KEY } from "../support/io.js";

const bin = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
/** Kills a child that hangs, so a broken run fails instead of blocking the task. */
const HARD_TIMEOUT_MS = 60_000;
/** Each test's bound: Node start-up and a walk on a loaded 2-core machine, plus the kill above. */
const BOUND = { timeout: HARD_TIMEOUT_MS + 15_000 };
afterEach(killLeftovers);

/** `workflows ...args` with PATH, the test key and `baseUrl` (none: no server) only. */
const workflows = (args: string[], baseUrl?: string): RunningProcess =>
  startProcess(process.execPath, [bin, ...args], {
    env: { WORKFLOWS_API_KEY: API_KEY, WORKFLOWS_BASE_URL: baseUrl },
    hardTimeoutMs: HARD_TIMEOUT_MS,
  });

/** What a run ended with, without its timings. */
const outcome = async (running: RunningProcess) => {
  const { code, signal, stdout, stderr } = await running.exited;
  return { code, signal, stdout, stderr };
};

const ndjsonIds = (text: string) =>
  text
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as WorkflowInstance).workflowId);

describe("the bin as a process (node dist/cli.js)", () => {
  it("is built (turbo builds this package before its drills)", () => {
    expect(existsSync(bin), `${bin} is missing: run pnpm build first`).toBe(true);
  });

  it("--version and -V print the version of the package it was built from", BOUND, async () => {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    for (const flag of ["--version", "-V"]) {
      expect(await outcome(workflows([flag]))).toEqual({
        code: 0,
        signal: null,
        stdout: `${(manifest as { version: string }).version}\n`,
        stderr: "",
      });
    }
  });

  it("sets the process's exit code: bad usage is 2, before any request", BOUND, async () => {
    expect(await outcome(workflows(["list", ...ids, "--limit", "-1"]))).toEqual({
      code: 2,
      signal: null,
      stdout: "",
      stderr: 'workflows: --limit must be an integer from 1 to 500 (got "-1")\n',
    });
  });

  it("runs end to end against the reference provider: list --format json", BOUND, async () => {
    const instances = generated(30);
    const provider = await startProvider({ definitions: [{ accountId, definitionId, instances }] });
    try {
      const result = await workflows(["list", ...ids, "--limit", "5", "--format", "json"], provider.url)
        .exited;
      expect(result).toMatchObject({ code: 0, signal: null, stderr: "" });
      expect(JSON.parse(result.stdout) as WorkflowInstance[]).toEqual(instances.slice(0, 5));
      expect(result.stdout + result.stderr).not.toContain(API_KEY);
    } finally {
      await provider.close();
    }
  });

  it("a reader that goes away (| head) ends a long walk quietly with exit 0", BOUND, async () => {
    const provider = await startProvider({
      definitions: [{ accountId, definitionId, instances: generated(5_000) }],
    });
    try {
      const args = ["list", ...ids, "--all", "--limit", "10", "--format", "ndjson"];
      // As `| head -n 1`: the reader goes away once the first line arrived.
      const child = workflows(args, provider.url);
      await child.stdout.waitFor(/./);
      child.child.stdout?.destroy();
      const result = await child.exited;
      expect(result).toMatchObject({ code: 0, signal: null, stderr: "" });
      expect(provider.requests.length).toBeLessThan(500);
    } finally {
      await provider.close();
    }
  });

  describe("Ctrl-C (SIGINT) mid-walk: the request in flight is aborted, exit 130", () => {
    const first = generated(10);
    /** The first page answers; every later request is held until the server closes. */
    const serveFirstPageOnly = () =>
      startServer((req, res) => {
        if (new URL(req.url ?? "", "http://x").searchParams.get("offset") !== "0") return;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(first));
      });

    it("list --all --format ndjson: the first page on stdout, one line on stderr", BOUND, async () => {
      const server = await serveFirstPageOnly();
      try {
        const child = workflows(["list", ...ids, "--all", "--limit", "10", "--format", "ndjson"], server.url);
        // The first page (10 lines) is on stdout and the server holds the second request.
        await Promise.all([child.stdout.waitFor(() => true, { from: 9 }), server.received(1)]);
        child.signal("SIGINT");
        const result = await child.exited;
        expect(result).toMatchObject({ code: 130, signal: null, stderr: "workflows: interrupted\n" });
        expect(ndjsonIds(result.stdout)).toEqual(first.map((i) => i.workflowId));
        expect(server.requests).toHaveLength(2);
      } finally {
        await server.close();
      }
    });

    it("summary: nothing on stdout (the summary needs the whole walk)", BOUND, async () => {
      const server = await serveFirstPageOnly();
      try {
        const child = workflows(["summary", ...ids, "--limit", "10"], server.url);
        await server.received(1);
        child.signal("SIGINT");
        expect(await outcome(child)).toEqual({
          code: 130,
          signal: null,
          stdout: "",
          stderr: "workflows: interrupted\n",
        });
      } finally {
        await server.close();
      }
    });
  });
});
