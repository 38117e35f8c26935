import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { type Clock, createWorkflowsClient, type WorkflowsClient } from "@workflows-kit/client";
import {
  integer,
  type ListCommand,
  OFFSET_UNITS,
  optionalOneOf,
  parseCommand,
  present,
  type SummaryCommand,
} from "./args.js";
import { list } from "./commands/list.js";
import { probe } from "./commands/probe.js";
import { summary } from "./commands/summary.js";
import { ExitCode, MissingApiKeyError, OutputError, type RawInputs, toFailure } from "./errors.js";
import { HELP } from "./help.js";
import { Output } from "./output.js";

export interface RunIO {
  /** Where WORKFLOWS_* settings are read from (process.env for the bin). */
  env: Readonly<Record<string, string | undefined>>;
  stdout: Writable;
  stderr: Writable;
  /** Whether stderr is a terminal; progress of full walks shows only then. Default: `stderr.isTTY`. */
  isTTY?: boolean;
  /** Cancels the run (the bin aborts it on Ctrl-C): requests in flight are aborted, exit code 130. */
  signal?: AbortSignal;
  /** Test seam: the client's (and the probe's) `fetch`. Default: the platform's. Never read from the environment. */
  fetch?: typeof globalThis.fetch;
  /** Test seam: the client's clock (timeouts, backoff, `Retry-After`), also the probe's waits. */
  clock?: Clock;
  /** Test seam: the backoff's jitter, `() => number` in [0, 1). */
  random?: () => number;
  /** Test seam: the probe's wait for a 429's `Retry-After` (default: a timer the signal cancels). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** An empty variable counts as unset, as shells make it easy to export one by accident. */
function setting(env: RunIO["env"], name: string): string | undefined {
  const value = env[name];
  return value === "" ? undefined : value;
}

function createClient(command: ListCommand | SummaryCommand, io: RunIO): WorkflowsClient {
  // Checked before the key: a bad setting is a usage error whatever the key.
  const offsetUnit =
    command.offsetUnit ??
    optionalOneOf("WORKFLOWS_OFFSET_UNIT", setting(io.env, "WORKFLOWS_OFFSET_UNIT"), OFFSET_UNITS);
  const apiKey = setting(io.env, "WORKFLOWS_API_KEY");
  if (apiKey === undefined) throw new MissingApiKeyError();
  return createWorkflowsClient(
    present({
      apiKey,
      baseUrl: setting(io.env, "WORKFLOWS_BASE_URL"),
      maxRetries: integer(setting(io.env, "WORKFLOWS_MAX_RETRIES")),
      timeoutMs: integer(setting(io.env, "WORKFLOWS_TIMEOUT_MS")),
      // "auto" lands in the client with its offset-unit detection; the CLI types its own values.
      offsetUnit: offsetUnit as "pages" | "items" | undefined,
      fetch: io.fetch,
      clock: io.clock,
      random: io.random,
    }),
  );
}

/** `workflows --version`: this package's version, read when asked. */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return `${(manifest as { version: string }).version}\n`;
}

/**
 * Runs `workflows` with `argv` (the arguments after the program name) and resolves to the exit
 * code; never throws and never rejects. Failures are one line on stderr; the API key never is.
 */
export async function run(argv: readonly string[], io: RunIO): Promise<number> {
  const output = new Output(io.stdout, io.signal);
  let raw: RawInputs = {};
  let code: number = ExitCode.Ok;
  try {
    const command = parseCommand(argv);
    if (command.name === "help") {
      await output.write(HELP);
    } else if (command.name === "version") {
      await output.write(version());
    } else if (command.name === "probe") {
      raw = command.raw;
      code = await probe(
        command,
        present({
          env: io.env,
          output,
          fetch: io.fetch,
          clock: io.clock,
          sleep: io.sleep,
          signal: io.signal,
        }),
      );
    } else {
      // Only values safe to echo: never the key, and not the base URL (it could carry credentials).
      raw = {
        ...command.raw,
        WORKFLOWS_MAX_RETRIES: io.env.WORKFLOWS_MAX_RETRIES,
        WORKFLOWS_TIMEOUT_MS: io.env.WORKFLOWS_TIMEOUT_MS,
        WORKFLOWS_OFFSET_UNIT: io.env.WORKFLOWS_OFFSET_UNIT,
      };
      const context = {
        client: createClient(command, io),
        output,
        stderr: io.stderr,
        tty: io.isTTY ?? (io.stderr as { isTTY?: boolean }).isTTY === true,
        call: present({ signal: io.signal }),
      };
      await (command.name === "list" ? list(command, context) : summary(command, context));
    }
    await output.flush();
    return code;
  } catch (error) {
    // `| head` closed the pipe: the reader has what it wanted.
    if (error instanceof OutputError && error.readerGone) return ExitCode.Ok;
    const failure = toFailure(error, raw);
    io.stderr.write(`workflows: ${failure.message}\n`);
    return failure.exitCode;
  } finally {
    await output.detach();
  }
}
