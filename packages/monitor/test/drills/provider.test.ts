// The monitor in-process (`run()`, real clock and sockets) against the reference provider, which
// the drill changes while the monitor runs; and behind a fault proxy that resets, fails and rate
// limits. Every step waits for a line the monitor writes, never for a fixed time.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Provider } from "@workflows-kit/provider";
import {
  apiError,
  type Fault,
  jsonLine,
  Lines,
  rateLimit,
  startFaultServer,
} from "@workflows-kit/testing/drills";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/index.js";
import { ACCOUNT, API_KEY, DEFINITION, instancesNow, providerWith, terminatedNow } from "./support.js";

let dir: string;
let provider: Provider | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "wk-monitor-drill-"));
});
afterEach(async () => {
  await provider?.close();
  provider = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** `workflows-monitor` in-process against `baseUrl`, until `stop()`; output as Lines. */
function monitor(baseUrl: string, args: string[] = []) {
  const stdout = new Lines();
  const stderr = new Lines();
  const controller = new AbortController();
  const checkpoint = path.join(dir, "checkpoint.json");
  const exit = run(
    ["--account", ACCOUNT, "--definition", DEFINITION, "--checkpoint", checkpoint, "--verbose", ...args],
    {
      env: { WORKFLOWS_API_KEY: API_KEY, WORKFLOWS_BASE_URL: baseUrl, WORKFLOWS_MAX_RETRIES: "0" },
      stdout: stdout.writable(),
      stderr: stderr.writable(),
      signal: controller.signal,
    },
  );
  const stop = async () => {
    controller.abort("SIGTERM");
    return exit;
  };
  return { stdout, stderr, stop, checkpoint };
}

const isPoll = jsonLine((line) => line.event === "poll");
const failed = (error: string) => jsonLine((line) => line.event === "poll_failed" && line.error === error);

describe("against the reference provider, while it changes", () => {
  it("reports an instance that terminates while the monitor runs, once, and checkpoints it", async () => {
    const [running, done, complete] = instancesNow(["Runnable", "Terminated", "Complete"]);
    if (!running || !done || !complete) throw new Error("no data");
    provider = await providerWith([running, done, complete]);
    const m = monitor(provider.url, ["--interval", "100ms"]);
    await m.stdout.waitFor(
      jsonLine((l) => l.workflowId === done.workflowId),
      { what: "the alert of the instance terminated before the start" },
    );
    await m.stderr.waitFor(isPoll, { what: "a poll" });

    provider.updateInstance(DEFINITION, running.workflowId, terminatedNow());
    await m.stdout.waitFor(
      jsonLine((l) => l.workflowId === running.workflowId),
      { what: "the alert of the instance terminated while running" },
    );
    // Three more cycles after it: still each instance once.
    const after = await m.stderr.waitFor(isPoll, { what: "a poll", from: m.stderr.lines.length });
    await m.stderr.waitFor(isPoll, { what: "another poll", from: after.index + 1 });
    await m.stderr.waitFor(isPoll, { what: "a third poll", from: after.index + 2 });
    expect(await m.stop()).toBe(0);

    expect(m.stdout.json().map((l) => l.workflowId)).toEqual([done.workflowId, running.workflowId]);
    expect(m.stderr.json().at(-1)).toMatchObject({ event: "stopped", reason: "SIGTERM", exitCode: 0 });
    const saved = JSON.parse(await readFile(m.checkpoint, "utf8"));
    expect(Object.keys(saved.definitions[0].reported).sort()).toEqual(
      [done.workflowId, running.workflowId].sort(),
    );
    // Every request asked for Terminated instances only, from a window start.
    expect(provider.requests.every((r) => /status=Terminated&startTimeFrom=/.test(r.url))).toBe(true);
  });
});

describe("behind a fault proxy", () => {
  /** The fault proxy in front of the provider, answering every request with `fault` as it is when the request arrives. */
  async function proxyOf(upstream: string) {
    const proxy = { fault: { kind: "pass" } as Fault };
    const server = await startFaultServer({ upstream, plan: () => proxy.fault });
    return Object.assign(proxy, { server });
  }

  it("keeps polling through resets and 5xx, logs each, and reports once the service is back", async () => {
    const [terminated] = instancesNow(["Terminated"]);
    provider = await providerWith(terminated ? [terminated] : []);
    const proxy = await proxyOf(provider.url);
    try {
      proxy.fault = { kind: "resetBeforeHeaders" };
      const m = monitor(proxy.server.url, ["--interval", "50ms", "--max-backoff", "200ms"]);
      await m.stderr.waitFor(failed("WorkflowsConnectionError"), { what: "a reset logged" });
      proxy.fault = apiError(503);
      await m.stderr.waitFor(failed("InternalServerError"), { what: "a 503 logged" });
      expect(m.stdout.lines).toEqual([]);
      proxy.fault = { kind: "pass" };
      await m.stdout.waitFor(
        jsonLine((l) => l.workflowId === terminated?.workflowId),
        { what: "the alert" },
      );
      expect(await m.stop()).toBe(0);
      const logged = m.stderr
        .json()
        .find((l) => l.event === "poll_failed" && l.error === "InternalServerError");
      expect(logged).toMatchObject({ status: 503, code: 1 });
    } finally {
      await proxy.server.close();
    }
  });

  it("after a 429 waits at least Retry-After before it polls again", async () => {
    provider = await providerWith([]);
    const proxy = await proxyOf(provider.url);
    try {
      proxy.fault = rateLimit("1");
      const m = monitor(proxy.server.url, ["--interval", "50ms", "--max-backoff", "100ms"]);
      await m.stderr.waitFor(failed("RateLimitError"), { what: "the 429 logged" });
      proxy.fault = { kind: "pass" };
      const limited = proxy.server.requests.length - 1;
      await m.stderr.waitFor(
        jsonLine((l) => l.event === "poll" && l.failures === 0),
        { what: "a poll that succeeded" },
      );
      expect(await m.stop()).toBe(0);
      expect(proxy.server.served.slice(limited, limited + 2)).toEqual(["rateLimit", "pass"]);
      // The lower bound is the configured wait; no upper bound is asserted (the machine may be busy).
      const [first, next] = proxy.server.requests.slice(limited, limited + 2).map((r) => r.receivedAt);
      expect((next ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(1_000);
    } finally {
      await proxy.server.close();
    }
  });
});
