import {
  AuthenticationError,
  BadRequestError,
  InvalidParameterError,
  NotFoundError,
  PermissionDeniedError,
  WorkflowsAbortError,
  WorkflowsError,
} from "@workflows-kit/client";

/** Exit codes of `workflows-monitor`, distinct so a supervisor can tell a typo from an outage. */
export const ExitCode = {
  /** Stopped by SIGINT/SIGTERM with the checkpoint written; `--once` done; `--help`. */
  Ok: 0,
  /** A bug, an unreadable checkpoint, a checkpoint that could not be written on the way out, stdout failing. */
  Unexpected: 1,
  /** Bad flags or environment, a checkpoint path that cannot be written, the server's 400. */
  Usage: 2,
  /** No API key, or the server rejected it (401) or refused the account (403). */
  Auth: 3,
  /** The server does not know a watched definition (404). */
  NotFound: 4,
  /** `--once` only: the poll failed for a reason that passes (5xx, 429, network, timeout, webhook). */
  Unavailable: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad command line or environment; `source` names the flag or variable at fault, when there is one. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    readonly source: string | undefined,
    reason: string,
  ) {
    super(source === undefined ? reason : `${source} ${reason}`);
  }
}

/** The checkpoint file cannot be read or written; `path` is the file. */
export class CheckpointError extends Error {
  override name = "CheckpointError";
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`checkpoint ${path}: ${message}`, options);
  }
}

/** What the monitor does with an error from a poll. */
export type Verdict =
  /** The caller's signal: stop, nothing failed. */
  | { kind: "stopped" }
  /** Passes with time (5xx, 429, network, timeout, a garbled page): log it, back off, poll again. */
  | { kind: "transient" }
  /** Configuration the server refuses (unknown definition, bad key, bad parameter): stop with `exitCode`. */
  | { kind: "fatal"; exitCode: ExitCode };

/** Sorts a poll's error into stop, back off or give up. Errors that are not the client's are bugs: rethrown. */
export function classify(error: unknown): Verdict {
  if (error instanceof WorkflowsAbortError) return { kind: "stopped" };
  if (error instanceof InvalidParameterError || error instanceof BadRequestError) {
    return { kind: "fatal", exitCode: ExitCode.Usage };
  }
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return { kind: "fatal", exitCode: ExitCode.Auth };
  }
  if (error instanceof NotFoundError) return { kind: "fatal", exitCode: ExitCode.NotFound };
  if (error instanceof WorkflowsError) return { kind: "transient" };
  throw error;
}

/** Where each client parameter comes from, so messages name what the user typed. */
const SOURCES: Readonly<Record<string, string>> = {
  accountId: "--account",
  definitionId: "--definition",
  version: "--version",
  pageSize: "--page-size",
  // Only --since reaches the client as typed: --lookback is checked as a duration before (parseDuration).
  startTimeFrom: "--since",
  apiKey: "WORKFLOWS_API_KEY",
  baseUrl: "WORKFLOWS_BASE_URL",
  maxRetries: "WORKFLOWS_MAX_RETRIES",
  timeoutMs: "WORKFLOWS_TIMEOUT_MS",
};

/** The flag or variable behind a client parameter. */
export const sourceOf = (parameter: string): string => SOURCES[parameter] ?? parameter;

/**
 * The error as log fields: its class, message and the data support needs (status, 8x8 code,
 * errorId, request id, attempts, URL). Built from the error's own fields, which never hold the key.
 */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: typeof error, message: String(error) };
  const fields: Record<string, unknown> = { error: error.name, message: error.message };
  if (error instanceof InvalidParameterError) {
    fields.parameter = sourceOf(error.parameter);
    fields.message = `${sourceOf(error.parameter)} ${error.reason}`;
  }
  // Read by name, not by class: the client's errors and the webhook's carry them, newer clients add some.
  const data = error as Partial<Record<(typeof DATA_FIELDS)[number], unknown>>;
  for (const name of DATA_FIELDS) {
    const value = data[name];
    if (typeof value === "string" || typeof value === "number") fields[name] = value;
  }
  return fields;
}

/** What support needs to find a request: status, 8x8 code, errorId, request id, attempts, URL, Retry-After. */
const DATA_FIELDS = ["status", "code", "errorId", "requestId", "attempts", "url", "retryAfterMs"] as const;
