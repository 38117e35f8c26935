// `run()` as the bin runs it, in-process: flags, environment, the checkpoint file, stdout/stderr
// and every exit code. The API is the reference provider in memory; time is the virtual clock,
// which also times the client's attempts, backoff and Retry-After (run passes it through).
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import type { Fault } from "@workflows-kit/provider";
import { createObservedFetch, hang, type SleepingVirtualClock } from "@workflows-kit/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HELP } from "../src/help.js";
import { type RunIO, run } from "../src/index.js";
import { ACCOUNT, API_URL, type Api, createApi, DEFINITION, instance } from "./support/api.js";
import { ATTEMPT_TIMEOUT_MS, nextWait, virtualClock } from "./support/monitor.js";

const API_KEY = "sk-test-9f8e7d6c5b4a-SECRET";
const HOOK = "https://hooks.test/services/T000/secret-token";

/** A Writable that keeps what it gets, or fails every write with `failWith`. */
class Capture extends Writable {
  text = "";
  constructor(readonly failWith?: string) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.failWith) {
      done(Object.assign(new Error(`write ${this.failWith}`), { code: this.failWith }));
      return;
    }
    this.text += chunk.toString("utf8");
    done();
  }
  get lines(): Record<string, unknown>[] {
    return this.text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

let dir: string;
let checkpoint: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "wk-monitor-run-"));
  checkpoint = path.join(dir, "checkpoint.json");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

interface Options {
  api?: Api;
  env?: Record<string, string | undefined>;
  stdout?: Capture;
  clock?: SleepingVirtualClock;
  signal?: AbortSignal;
  fetch?: RunIO["fetch"];
}

/** `workflows-monitor --account acme --definition D --checkpoint <tmp> ...args` in-process. */
async function monitor(args: string[], options: Options = {}) {
  const api = options.api ?? createApi();
  const stdout = options.stdout ?? new Capture();
  const stderr = new Capture();
  const env = {
    WORKFLOWS_API_KEY: API_KEY,
    WORKFLOWS_BASE_URL: API_URL,
    WORKFLOWS_MAX_RETRIES: "0",
    WORKFLOWS_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
    ...options.env,
  };
  const code = await run(
    ["--account", ACCOUNT, "--definition", DEFINITION, "--checkpoint", checkpoint, ...args],
    {
      env,
      stdout,
      stderr,
      fetch: options.fetch ?? api.fetch,
      clock: options.clock ?? virtualClock(),
      random: () => 0.5,
      signal: options.signal,
    },
  );
  expect(`${stdout.text}${stderr.text}`).not.toContain(API_KEY);
  return { code, stdout, stderr, api };
}

const terminated = () => instance("2021-06-30T23:30:00.1234567Z");

describe("--once", () => {
  it("prints each alert as one JSON line, writes the checkpoint, exits 0; a second run repeats nothing", async () => {
    const done = terminated();
    const api = createApi({ [DEFINITION]: [done] });
    const first = await monitor(["--once"], { api });
    expect(first.code).toBe(0);
    expect(first.stdout.lines).toEqual([
      expect.objectContaining({ type: "workflow.terminated", workflowId: done.workflowId }),
    ]);
    expect(first.stderr.lines.map((l) => l.event)).toEqual(["started"]);
    expect(first.stderr.lines[0]).toMatchObject({
      level: "info",
      time: "2021-07-01T00:00:00.000Z",
      once: true,
    });
    expect(JSON.parse(await readFile(checkpoint, "utf8")).definitions[0].reported).toEqual({
      [done.workflowId]: done.startedAt,
    });
    const second = await monitor(["--once"], { api });
    expect([second.code, second.stdout.text]).toEqual([0, ""]);
  });

  it("sends the key as a bearer token and nowhere else", async () => {
    const { api } = await monitor(["--once"]);
    expect(api.requests.map((r) => r.headers.get("authorization"))).toEqual([`Bearer ${API_KEY}`]);
  });

  it("exits 5 when the poll failed for a reason that passes, logging it as JSON", async () => {
    const api = createApi();
    api.store.failNext(1, { status: 503 });
    const result = await monitor(["--once"], { api });
    expect(result.code).toBe(5);
    expect(result.stderr.lines[1]).toMatchObject({
      level: "warn",
      event: "poll_failed",
      status: 503,
      code: 1,
    });
  });
});

describe("running until stopped", () => {
  it("polls every --interval; the signal stops it: checkpoint written, `stopped` logged, exit 0", async () => {
    const clock = virtualClock();
    const api = createApi();
    const controller = new AbortController();
    const running = monitor(["--interval", "30s", "--verbose"], { api, clock, signal: controller.signal });
    expect((await nextWait(clock)).ms).toBe(30_000);
    const done = terminated();
    api.store.insertInstances(DEFINITION, [done]);
    await clock.advance(30_000);
    await nextWait(clock);
    controller.abort("SIGTERM");
    const { code, stdout, stderr } = await running;
    expect(code).toBe(0);
    expect(stdout.lines.map((l) => l.workflowId)).toEqual([done.workflowId]);
    expect(stderr.lines.map((l) => l.event)).toEqual(["started", "poll", "poll", "stopped"]);
    expect(stderr.lines.at(-1)).toMatchObject({ reason: "SIGTERM", exitCode: 0 });
    expect(JSON.parse(await readFile(checkpoint, "utf8"))).toMatchObject({
      savedAt: "2021-07-01T00:00:30.000Z",
    });
  });

  it("keeps polling through 5xx, network faults and 429, backing off", async () => {
    const clock = virtualClock();
    const api = createApi({ [DEFINITION]: [terminated()] });
    api.failRequest(0, { status: 500 });
    api.failRequest(1, "network");
    api.failRequest(2, { status: 429, retryAfterSeconds: 900 });
    const controller = new AbortController();
    const running = monitor([], { api, clock, signal: controller.signal });
    const waits: number[] = [];
    for (let cycle = 0; cycle < 4; cycle++) {
      const { ms } = await nextWait(clock);
      waits.push(ms);
      await clock.advance(ms);
    }
    await nextWait(clock);
    controller.abort("SIGINT");
    const { code, stdout, stderr } = await running;
    expect(code).toBe(0);
    // Backoff ¾ · interval · 2ⁿ; at least Retry-After (900 s); back to the interval.
    expect(waits).toEqual([90_000, 180_000, 900_000, 60_000]);
    expect(stdout.lines).toHaveLength(1);
    expect(stderr.lines.filter((l) => l.event === "poll_failed").map((l) => l.error)).toEqual([
      "InternalServerError",
      "WorkflowsConnectionError",
      "RateLimitError",
    ]);
  });
});

describe("the client on the monitor's clock and jitter", () => {
  it("waits out Retry-After, then its own backoff, in virtual time; the poll then succeeds", async () => {
    const clock = virtualClock();
    const done = terminated();
    const api = createApi({ [DEFINITION]: [done] });
    api.failRequest(0, { status: 429, retryAfterSeconds: 2 });
    api.failRequest(1, { status: 503 });
    const exit = monitor(["--once"], { api, clock, env: { WORKFLOWS_MAX_RETRIES: "2" } });
    const waits: number[] = [];
    for (let retry = 0; retry < 2; retry++) {
      const { ms } = await nextWait(clock);
      waits.push(ms);
      await clock.advance(ms);
    }
    const { code, stdout } = await exit;
    // Retry-After: 2 s; then step 1 with random 0.5: ¾ of min(8 s, 500 ms · 2¹).
    expect(waits).toEqual([2_000, 750]);
    expect([code, stdout.lines.map((l) => l.workflowId)]).toEqual([0, [done.workflowId]]);
    expect(api.requests).toHaveLength(3);
  });

  it("bounds each attempt by WORKFLOWS_TIMEOUT_MS on that clock", async () => {
    const clock = virtualClock();
    const hanging = createObservedFetch(hang);
    const exit = monitor(["--once"], { clock, fetch: hanging.fetch, env: { WORKFLOWS_TIMEOUT_MS: "5000" } });
    await hanging.received(0);
    expect(clock.pending().map((t) => t.ms)).toEqual([5_000]);
    await clock.advance(5_000);
    const { code, stderr } = await exit;
    expect(code).toBe(5);
    expect(stderr.lines.at(-1)).toMatchObject({ event: "poll_failed", error: "WorkflowsTimeoutError" });
  });
});

describe("exit codes", () => {
  it("0 for --help, which prints the usage", async () => {
    const result = await monitor(["--help"]);
    expect([result.code, result.stdout.text]).toEqual([0, HELP]);
  });

  it.each([["--version"], ["-V"]])("0 for %s alone, which prints the package's version", async (flag) => {
    const { version } = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await run([flag], { env: {}, stdout, stderr });
    expect([code, stdout.text, stderr.text]).toEqual([0, `${version}\n`, ""]);
  });

  it.each<{ name: string; args: string[]; env: Record<string, string>; code: number; message: string }>([
    {
      name: "an unknown flag",
      args: ["--bogus"],
      env: {},
      code: 2,
      message: "Unknown option '--bogus'\nRun 'workflows-monitor --help' for usage.",
    },
    {
      name: "a bad duration",
      args: ["--interval", "soon"],
      env: {},
      code: 2,
      message: "--interval must be a duration",
    },
    {
      name: "no API key",
      args: [],
      env: { WORKFLOWS_API_KEY: "" },
      code: 3,
      message: "WORKFLOWS_API_KEY is not set: export your 8x8 API key in it",
    },
    {
      name: "a malformed API key",
      args: [],
      env: { WORKFLOWS_API_KEY: "two words" },
      code: 3,
      message: "WORKFLOWS_API_KEY must be a non-empty string",
    },
    {
      name: "a bad WORKFLOWS_MAX_RETRIES",
      args: [],
      env: { WORKFLOWS_MAX_RETRIES: "many" },
      code: 2,
      message: "WORKFLOWS_MAX_RETRIES must be an integer",
    },
    {
      name: "a bad WORKFLOWS_BASE_URL",
      args: [],
      env: { WORKFLOWS_BASE_URL: "nope" },
      code: 2,
      message: "WORKFLOWS_BASE_URL must be an absolute http(s) URL",
    },
    {
      name: "a definition that is not a UUID",
      args: ["--definition", "nope"],
      env: {},
      code: 2,
      message: "--definition must be a UUID",
    },
    {
      name: "a page size of 0",
      args: ["--page-size", "0"],
      env: {},
      code: 2,
      message: "--page-size must be an integer from 1 to 500",
    },
    {
      name: "a page size out of range",
      args: ["--page-size", "501"],
      env: {},
      code: 2,
      message: "--page-size must be an integer from 1 to 500",
    },
    {
      name: "a negative page size after a space",
      args: ["--page-size", "-1"],
      env: {},
      code: 2,
      message: "--page-size must be an integer from 1 to 500\n",
    },
    {
      name: "a negative page size after =",
      args: ["--page-size=-1"],
      env: {},
      code: 2,
      message: "--page-size must be an integer from 1 to 500\n",
    },
    {
      name: "bad webhook retries without a webhook",
      args: ["--webhook-retries", "abc", "--once"],
      env: {},
      code: 2,
      message: '--webhook-retries must be an integer from 0 to 10 (got "abc")\n',
    },
    {
      name: "a --since that is not a date-time",
      args: ["--since", "yesterday"],
      env: {},
      code: 2,
      message: "--since must be an ISO 8601 date-time like 2021-06-30T03:20:39.3857479Z\n",
    },
    {
      name: "a --lookback that is not a duration",
      args: ["--lookback", "yesterday"],
      env: {},
      code: 2,
      message:
        '--lookback must be a duration from 1ms to 366d such as 500ms, 30s, 5m, 24h (got "yesterday")\n',
    },
    {
      name: "a version of 0",
      args: ["--version", "0"],
      env: {},
      code: 2,
      message: "--version must be an integer >= 1",
    },
  ])(
    "$name: one plain line on stderr, exit $code, before any side effect",
    async ({ args, env, code, message }) => {
      const result = await monitor(args, { env });
      expect(result.code).toBe(code);
      expect(result.stderr.text.startsWith(`workflows-monitor: ${message}`), result.stderr.text).toBe(true);
      expect(result.stderr.text).not.toContain('"event"');
      expect(result.stdout.text).toBe("");
      // No `started` line, no request, and no checkpoint: nothing of a mistyped run stays behind.
      expect(result.api.requests).toHaveLength(0);
      expect(await readdir(dir)).toEqual([]);
    },
  );

  it.each<{ name: string; args: string[]; fault?: Fault; code: number; fields: Record<string, unknown> }>([
    {
      name: "the server's 400",
      args: [],
      fault: { status: 400, code: 1000 },
      code: 2,
      fields: { status: 400, code: 1000 },
    },
    {
      name: "a rejected key (401)",
      args: [],
      fault: { status: 401, code: 1200 },
      code: 3,
      fields: { error: "AuthenticationError" },
    },
    {
      name: "a refused account (403)",
      args: [],
      fault: { status: 403, code: 1201 },
      code: 3,
      fields: { error: "PermissionDeniedError" },
    },
    {
      name: "an unknown definition (404)",
      args: [],
      fault: { status: 404, code: 1300 },
      code: 4,
      fields: {
        error: "NotFoundError",
        errorId: expect.any(String),
        url: expect.stringContaining(DEFINITION),
      },
    },
  ])("$name: a `fatal` JSON line, exit $code", async ({ args, fault, code, fields }) => {
    const api = createApi();
    if (fault) api.store.failNext(1, fault);
    const result = await monitor(args, { api });
    expect(result.code).toBe(code);
    expect(result.stderr.lines.at(-1)).toMatchObject({
      level: "error",
      event: "fatal",
      exitCode: code,
      ...fields,
    });
  });

  it("1 for a checkpoint that is not one, left as it was", async () => {
    await writeFile(checkpoint, "{}");
    const result = await monitor([]);
    expect(result.code).toBe(1);
    expect(result.stderr.text).toBe(
      `workflows-monitor: checkpoint ${checkpoint}: has no "format": "workflows-monitor.checkpoint/1"; move it away to start afresh (already reported instances would be reported again)\n`,
    );
    expect(await readFile(checkpoint, "utf8")).toBe("{}");
  });

  it("2 for a checkpoint that cannot be written, before any poll", async () => {
    checkpoint = path.join(dir, "missing", "checkpoint.json");
    const result = await monitor([]);
    expect(result.code).toBe(2);
    expect(result.stderr.text).toContain(
      `workflows-monitor: --checkpoint cannot be written: checkpoint ${checkpoint}`,
    );
    expect(result.api.requests).toHaveLength(0);
  });

  it("1 for anything unexpected at startup: one line, never a rejection", async () => {
    const clock = virtualClock();
    clock.now = () => {
      throw new Error("the clock broke");
    };
    const result = await monitor([], { clock });
    expect(result.code).toBe(1);
    expect(result.stderr.text).toBe("workflows-monitor: unexpected error: Error: the clock broke\n");
  });

  it("0 when the reader of stdout went away (EPIPE), 1 when stdout fails otherwise", async () => {
    const api = createApi({ [DEFINITION]: [terminated()] });
    expect((await monitor(["--once"], { api, stdout: new Capture("EPIPE") })).code).toBe(0);
    const full = await monitor(["--once"], { api, stdout: new Capture("ENOSPC") });
    expect(full.code).toBe(1);
    expect(full.stderr.lines.at(-1)).toMatchObject({ event: "fatal", error: "OutputError", exitCode: 1 });
    // Not delivered, so not reported: the next run still has it.
    expect(JSON.parse(await readFile(checkpoint, "utf8")).definitions).toEqual([]);
  });
});

describe("--webhook", () => {
  it("POSTs each alert before printing it; logs show the webhook's origin only", async () => {
    const api = createApi({ [DEFINITION]: [terminated()] });
    const posted: unknown[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!request.url.startsWith("https://hooks.test/")) return api.fetch(request);
      posted.push(await request.json());
      return new Response(null, { status: 204 });
    };
    const result = await monitor(["--once", "--webhook", HOOK], { api, fetch });
    expect(result.code).toBe(0);
    expect(posted).toEqual(result.stdout.lines);
    expect(result.stderr.lines[0]).toMatchObject({ event: "started", webhook: "https://hooks.test" });
    expect(result.stderr.text).not.toContain("secret-token");
  });

  it("a webhook that is down: nothing printed, the alert stays pending, exit 5 with --once", async () => {
    const api = createApi({ [DEFINITION]: [terminated()] });
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      return request.url.startsWith("https://hooks.test/")
        ? new Response(null, { status: 404 })
        : api.fetch(request);
    };
    const result = await monitor(["--once", "--webhook", HOOK], { api, fetch });
    expect(result.code).toBe(5);
    expect(result.stdout.text).toBe("");
    expect(result.stderr.lines.at(-1)).toMatchObject({
      event: "delivery_failed",
      error: "WebhookError",
      status: 404,
    });
    expect(result.stderr.text).not.toContain("secret-token");
  });
});
