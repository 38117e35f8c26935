import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { createWorkflowsClient, InvalidParameterError } from "@workflows-kit/client";
import { type AlertSink, ndjsonSink, OutputError } from "./alert.js";
import { integer, type MonitorConfig, parseConfig } from "./args.js";
import { fileCheckpointStore } from "./checkpoint.js";
import { type Clock, clientClockOf, systemClock } from "./clock.js";
import { CheckpointError, classify, ExitCode, errorFields, sourceOf, UsageError } from "./errors.js";
import { HELP } from "./help.js";
import { jsonLogger, type Logger } from "./log.js";
import { createMonitor, type Monitor } from "./monitor.js";
import { webhookSink } from "./webhook.js";

export interface RunIO {
  /** Where WORKFLOWS_* settings are read from (process.env for the bin). */
  env: Readonly<Record<string, string | undefined>>;
  stdout: Writable;
  stderr: Writable;
  /** Stops the monitor: the bin aborts it on SIGINT/SIGTERM, with the signal's name as reason. */
  signal?: AbortSignal | undefined;
  /** The fetch for the API and the webhook. Default: globalThis.fetch. */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Time (a test seam): poll intervals, backoff, the webhook's waits and timeouts, and the client's
   * attempt timeouts, backoff and `Retry-After`, all on this one clock. Default: the system's.
   */
  clock?: Clock | undefined;
  /** Jitter in [0, 1) (a test seam) of the monitor's, the webhook's and the client's backoff. Default: Math.random. */
  random?: (() => number) | undefined;
}

/** An empty variable counts as unset: shells make it easy to export one by accident. */
const setting = (env: RunIO["env"], name: string) => (env[name] === "" ? undefined : env[name]);

/** `workflows-monitor --version`: this package's version, read when asked. */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return `${(manifest as { version: string }).version}\n`;
}

/** A startup failure, as one plain line (a person is reading); the key is never part of one. */
function startupFailure(error: unknown): [ExitCode, string] {
  if (error instanceof UsageError)
    return [ExitCode.Usage, `${error.message}\nRun 'workflows-monitor --help' for usage.`];
  if (error instanceof InvalidParameterError) {
    const source = sourceOf(error.parameter);
    return [source === "WORKFLOWS_API_KEY" ? ExitCode.Auth : ExitCode.Usage, `${source} ${error.reason}`];
  }
  if (error instanceof CheckpointError) return [ExitCode.Unexpected, error.message];
  return [
    ExitCode.Unexpected,
    `unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  ];
}

async function start(config: MonitorConfig, io: RunIO, log: Logger, stdout: AlertSink): Promise<Monitor> {
  const apiKey = setting(io.env, "WORKFLOWS_API_KEY");
  if (apiKey === undefined) {
    throw new InvalidParameterError(
      "apiKey",
      "<unset>",
      "is not set: export your 8x8 API key in it (it is never printed)",
    );
  }
  const baseUrl = setting(io.env, "WORKFLOWS_BASE_URL");
  const maxRetries = integer(setting(io.env, "WORKFLOWS_MAX_RETRIES"));
  const timeoutMs = integer(setting(io.env, "WORKFLOWS_TIMEOUT_MS"));
  const client = createWorkflowsClient({
    apiKey,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(maxRetries === undefined ? {} : { maxRetries }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(io.clock ? { clock: clientClockOf(io.clock) } : {}),
    ...(io.random ? { random: io.random } : {}),
  });
  const clock = io.clock ?? systemClock;
  const sinks: AlertSink[] = [stdout];
  if (config.webhook) {
    // First the webhook: stdout gets the line once the webhook took it, so both see each alert once.
    sinks.unshift(webhookSink({ ...config.webhook, fetch: io.fetch, clock, random: io.random }));
  }
  const monitor = await createMonitor({
    client,
    accountId: config.accountId,
    definitionIds: config.definitionIds,
    version: config.version,
    pageSize: config.pageSize,
    intervalMs: config.intervalMs,
    lookbackMs: config.lookbackMs,
    since: config.since,
    maxBackoffMs: config.maxBackoffMs,
    maxReported: config.maxReported,
    checkpoint: fileCheckpointStore(config.checkpointPath),
    sinks,
    log,
    clock,
    random: io.random,
  });
  // Fails now, not at the first alert, when the checkpoint cannot be written.
  await monitor.save().catch((error: unknown) => {
    throw error instanceof CheckpointError
      ? new UsageError("--checkpoint", `cannot be written: ${error.message}`)
      : error;
  });
  return monitor;
}

/**
 * Runs `workflows-monitor` with `argv` until `io.signal` aborts (or once, with `--once`) and
 * resolves to the exit code; never rejects. Alerts are NDJSON on stdout; logs are JSON lines on
 * stderr, except a startup failure, which is one plain line.
 */
export async function run(argv: readonly string[], io: RunIO): Promise<number> {
  const clock = io.clock ?? systemClock;
  const stdout = ndjsonSink(io.stdout);
  let log: (Logger & { close(): void }) | undefined;
  try {
    let config: MonitorConfig;
    let monitor: Monitor;
    try {
      const parsed = parseConfig(argv, io.env);
      if (parsed === "help" || parsed === "version") {
        io.stdout.write(parsed === "help" ? HELP : version());
        return ExitCode.Ok;
      }
      config = parsed;
      log = jsonLogger(io.stderr, clock, config.verbose);
      // Checks every setting before the first side effect, so a mistake is the plain line below and nothing else.
      monitor = await start(config, io, log, stdout);
    } catch (error) {
      const [code, message] = startupFailure(error);
      io.stderr.write(`workflows-monitor: ${message}\n`);
      return code;
    }
    log("info", "started", {
      accountId: config.accountId,
      definitionIds: config.definitionIds,
      intervalMs: config.intervalMs,
      lookbackMs: config.lookbackMs,
      checkpoint: config.checkpointPath,
      // The origin only: a webhook's path or query often is its secret.
      ...(config.webhook ? { webhook: new URL(config.webhook.url).origin } : {}),
      once: config.once,
    });
    return await watch(monitor, config, io, log);
  } finally {
    stdout.close();
    log?.close();
  }
}

/** Polls until stopped; maps how it ended to an exit code, logged as the last line. */
async function watch(monitor: Monitor, config: MonitorConfig, io: RunIO, log: Logger): Promise<number> {
  const stopped = () => {
    log("info", "stopped", { reason: String(io.signal?.reason ?? "signal"), exitCode: ExitCode.Ok });
    return ExitCode.Ok;
  };
  try {
    if (!config.once) {
      await monitor.run(io.signal);
      return stopped();
    }
    const result = await monitor.pollOnce(io.signal).finally(() => monitor.save());
    return result.failures.length === 0 ? ExitCode.Ok : ExitCode.Unavailable;
  } catch (error) {
    if (io.signal?.aborted) return stopped();
    if (error instanceof OutputError && error.code === "EPIPE") {
      // The reader went away (`| head -n 1`): it has what it wanted.
      log("info", "stopped", { reason: "stdout closed", exitCode: ExitCode.Ok });
      return ExitCode.Ok;
    }
    let exitCode: ExitCode = ExitCode.Unexpected;
    try {
      const verdict = classify(error);
      if (verdict.kind === "fatal") exitCode = verdict.exitCode;
    } catch {
      // Not the client's error: a bug, stdout or the checkpoint failing.
    }
    log("error", "fatal", { ...errorFields(error), exitCode });
    return exitCode;
  }
}
