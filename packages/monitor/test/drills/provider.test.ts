// The monitor in-process (`run()`, real clock and sockets) against the reference provider, which
// the drill changes while the monitor runs; and behind a fault proxy that resets, fails and rate
// limits. Every step waits for a line the monitor writes, never for a fixed time.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/index.js";
import {
  ACCOUNT,
  API_KEY,
  DEFINITION,
  faultProxy,
  instancesNow,
  Lines,
  type Provider,
  providerWith,
  terminate,
} from "./support.js";

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

const isPoll = (line: Record<string, unknown>) => line.event === "poll";

describe("against the reference provider, while it changes", () => {
  it("reports an instance that terminates while the monitor runs, once, and checkpoints it", async () => {
    const [running, done, complete] = instancesNow(["Runnable", "Terminated", "Complete"]);
    provider = await providerWith([running, done, complete].filter((i) => i !== undefined));
    const m = monitor(provider.url, ["--interval", "100ms"]);
    await m.stdout.waitFor(
      "the alert of the instance terminated before the start",
      (l) => l.workflowId === done?.workflowId,
    );
    await m.stderr.waitFor("a poll", isPoll);

    terminate(provider, running?.workflowId ?? "");
    await m.stdout.waitFor(
      "the alert of the instance terminated while running",
      (l) => l.workflowId === running?.workflowId,
    );
    // Three more cycles after it: still each instance once.
    const after = await m.stderr.waitFor("a poll", isPoll, m.stderr.all.length);
    await m.stderr.waitFor("another poll", isPoll, after + 1);
    await m.stderr.waitFor("a third poll", isPoll, after + 2);
    expect(await m.stop()).toBe(0);

    expect(m.stdout.json.map((l) => l.workflowId)).toEqual([done?.workflowId, running?.workflowId]);
    expect(m.stderr.json.at(-1)).toMatchObject({ event: "stopped", reason: "SIGTERM", exitCode: 0 });
    const saved = JSON.parse(await readFile(m.checkpoint, "utf8"));
    expect(Object.keys(saved.definitions[0].reported).sort()).toEqual(
      [done?.workflowId, running?.workflowId].sort(),
    );
    // Every request asked for Terminated instances only, from a window start.
    expect(provider.requests.every((r) => /status=Terminated&startTimeFrom=/.test(r.url))).toBe(true);
  });
});

describe("behind a fault proxy", () => {
  it("keeps polling through resets and 5xx, logs each, and reports once the service is back", async () => {
    const [terminated] = instancesNow(["Terminated"]);
    provider = await providerWith(terminated ? [terminated] : []);
    const proxy = await faultProxy(provider.url);
    try {
      proxy.mode = "reset";
      const m = monitor(proxy.url, ["--interval", "50ms", "--max-backoff", "200ms"]);
      const failed = (error: string) => (l: Record<string, unknown>) =>
        l.event === "poll_failed" && l.error === error;
      await m.stderr.waitFor("a reset logged", failed("WorkflowsConnectionError"));
      proxy.mode = { status: 503 };
      await m.stderr.waitFor("a 503 logged", failed("InternalServerError"));
      expect(m.stdout.all).toEqual([]);
      proxy.mode = "pass";
      await m.stdout.waitFor("the alert", (l) => l.workflowId === terminated?.workflowId);
      expect(await m.stop()).toBe(0);
      expect(m.stderr.json.find(failed("InternalServerError"))).toMatchObject({ status: 503, code: 1 });
    } finally {
      await proxy.close();
    }
  });

  it("after a 429 waits at least Retry-After before it polls again", async () => {
    provider = await providerWith([]);
    const proxy = await faultProxy(provider.url);
    try {
      proxy.mode = { status: 429, retryAfterSeconds: 1 };
      const m = monitor(proxy.url, ["--interval", "50ms", "--max-backoff", "100ms"]);
      await m.stderr.waitFor(
        "the 429 logged",
        (l) => l.event === "poll_failed" && l.error === "RateLimitError",
      );
      proxy.mode = "pass";
      const limitedAt = proxy.seen.length;
      await m.stderr.waitFor("a poll that succeeded", (l) => isPoll(l) && l.failures === 0);
      expect(await m.stop()).toBe(0);
      // The lower bound is the configured wait; no upper bound is asserted (the machine may be busy).
      const [first, next] = [proxy.seen[limitedAt - 1], proxy.seen[limitedAt]] as [number, number];
      expect(next - first).toBeGreaterThanOrEqual(1_000);
    } finally {
      await proxy.close();
    }
  });
});
