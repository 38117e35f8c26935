import type { Writable } from "node:stream";
import { createWorkflowsClient, type WorkflowsClient } from "@workflows-kit/client";
import { integer, parseCommand, present } from "./args.js";
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
}

/** An empty variable counts as unset, as shells make it easy to export one by accident. */
function setting(env: RunIO["env"], name: string): string | undefined {
  const value = env[name];
  return value === "" ? undefined : value;
}

function createClient(env: RunIO["env"]): WorkflowsClient {
  const apiKey = setting(env, "WORKFLOWS_API_KEY");
  if (apiKey === undefined) throw new MissingApiKeyError();
  return createWorkflowsClient(
    present({
      apiKey,
      baseUrl: setting(env, "WORKFLOWS_BASE_URL"),
      maxRetries: integer(setting(env, "WORKFLOWS_MAX_RETRIES")),
      timeoutMs: integer(setting(env, "WORKFLOWS_TIMEOUT_MS")),
    }),
  );
}

/**
 * Runs `workflows` with `argv` (the arguments after the program name) and resolves to the exit
 * code; never throws and never rejects. Failures are one line on stderr; the API key never is.
 */
export async function run(argv: readonly string[], io: RunIO): Promise<number> {
  const output = new Output(io.stdout);
  let raw: RawInputs = {};
  let code: number = ExitCode.Ok;
  try {
    const command = parseCommand(argv);
    if (command.name === "help") {
      await output.write(HELP);
    } else if (command.name === "probe") {
      raw = command.raw;
      code = await probe(command, { env: io.env, output });
    } else {
      // Only values safe to echo: never the key, and not the base URL (it could carry credentials).
      raw = {
        ...command.raw,
        WORKFLOWS_MAX_RETRIES: io.env.WORKFLOWS_MAX_RETRIES,
        WORKFLOWS_TIMEOUT_MS: io.env.WORKFLOWS_TIMEOUT_MS,
      };
      const context = {
        client: createClient(io.env),
        output,
        stderr: io.stderr,
        tty: io.isTTY ?? (io.stderr as { isTTY?: boolean }).isTTY === true,
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
