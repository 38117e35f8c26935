import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  InvalidParameterError,
  NotFoundError,
  PaginationError,
  PermissionDeniedError,
  RateLimitError,
  WorkflowsAbortError,
  WorkflowsApiError,
  WorkflowsConnectionError,
  WorkflowsTimeoutError,
} from "@workflows-kit/client";

/** The process exit codes of `workflows`; distinct so scripts can branch on the kind of failure. */
export const ExitCode = {
  Ok: 0,
  Unexpected: 1,
  Usage: 2,
  Auth: 3,
  NotFound: 4,
  Unavailable: 5,
  /** `workflows probe`: the server (or the recording) contradicts the spec. */
  Contradicted: 6,
  /** Stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad command line: unknown flag, missing value, a flag combination that makes no sense. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    /** The flag at fault, when there is one (`--format`, `--max`, …). */
    readonly flag?: string,
  ) {
    super(message);
  }
}

/** WORKFLOWS_API_KEY is unset or empty. */
export class MissingApiKeyError extends Error {
  override name = "MissingApiKeyError";
  constructor(readonly variable = "WORKFLOWS_API_KEY") {
    super(`${variable} is not set: export your 8x8 API key in it (it is never printed)`);
  }
}

/** The run was cancelled (Ctrl-C) while it waited on something other than a request (stdout). */
export class InterruptedError extends Error {
  override name = "InterruptedError";
  constructor() {
    super("interrupted");
  }
}

/** stdout failed. `readerGone` means the reader closed the pipe (`| head`): not a failure. */
export class OutputError extends Error {
  override name = "OutputError";
  /** The system error code (`EPIPE`, `ENOSPC`, …). */
  readonly code: string | undefined;
  readonly readerGone: boolean;
  constructor(cause: Error & { code?: string }) {
    super(`cannot write to stdout: ${cause.message}`, { cause });
    this.code = cause.code;
    this.readerGone = READER_GONE.has(cause.code ?? "");
  }
}
const READER_GONE = new Set(["EPIPE", "ERR_STREAM_DESTROYED", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Where each client parameter came from on the command line or in the environment. */
const SOURCE_OF: Readonly<Record<string, string>> = {
  accountId: "--account",
  definitionId: "--definition",
  status: "--status",
  version: "--version",
  startTimeFrom: "--from",
  startTimeTo: "--to",
  limit: "--limit",
  pageSize: "--limit",
  offset: "--offset",
  maxItems: "--max",
  offsetUnit: "--offset-unit",
  apiKey: "WORKFLOWS_API_KEY",
  baseUrl: "WORKFLOWS_BASE_URL",
  maxRetries: "WORKFLOWS_MAX_RETRIES",
  timeoutMs: "WORKFLOWS_TIMEOUT_MS",
};
// Only the camelCase names: "offset" or "limit" in a reason may be plain English ("a UTC offset").
const PARAMETER_NAMES = new RegExp(
  `\\b(${Object.keys(SOURCE_OF)
    .filter((name) => /[A-Z]/.test(name))
    .join("|")})\\b`,
  "g",
);

/** What the user typed for each flag or variable, to quote it back exactly (never the key). */
export type RawInputs = Readonly<Record<string, string | boolean | undefined>>;

export interface Failure {
  exitCode: ExitCode;
  message: string;
}

/** `(404, code 1300, errorId …)`: what support needs to find the request, nothing secret. */
function apiDetail(error: WorkflowsApiError): string {
  const parts = [String(error.status)];
  if (error.code !== undefined) parts.push(`code ${error.code}`);
  if (error.errorId !== undefined) parts.push(`errorId ${error.errorId}`);
  return `(${parts.join(", ")}; ${error.method} ${error.url})`;
}

function invalidParameter(error: InvalidParameterError, raw: RawInputs): Failure {
  // The offset unit comes from the flag or, when none was typed, from the environment.
  const source =
    error.parameter === "offsetUnit" && raw["--offset-unit"] === undefined
      ? "WORKFLOWS_OFFSET_UNIT"
      : (SOURCE_OF[error.parameter] ?? error.parameter);
  // The client words its reasons in spec names ("after startTimeTo"); the user typed flags.
  const reason = error.reason.replace(PARAMETER_NAMES, (name) => SOURCE_OF[name] ?? name);
  if (error.parameter === "apiKey") {
    return { exitCode: ExitCode.Auth, message: `${source} ${reason}` };
  }
  const value = raw[source];
  const got = typeof value === "string" ? ` (got ${JSON.stringify(value)})` : "";
  return { exitCode: ExitCode.Usage, message: `${source} ${reason}${got}` };
}

/**
 * How many requests a failed call made, as the user can act on it: "on all 3 attempts", or "on the
 * only attempt (WORKFLOWS_MAX_RETRIES=0)" when retries were off, never "retries exhausted" for none.
 */
function attemptsMade(attempts: number, raw: RawInputs): string {
  if (attempts > 1) return `on all ${attempts} attempts`;
  const setting = raw.WORKFLOWS_MAX_RETRIES;
  return typeof setting === "string" && setting !== ""
    ? `on the only attempt (WORKFLOWS_MAX_RETRIES=${setting})`
    : "on the only attempt";
}

/** A server's message as a sentence: hints follow it, so it must end with a full stop. */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** The spec's path, from the server's root: what a request URL ends with when the base URL is right. */
const API_PATH = "/api/v1/accounts/";

/**
 * 404: unknown ids (the API's error body, e.g. code 1300, at the spec's path from the root), or a
 * request that never reached the API (a proxy's page, a base URL with a path): the base URL is at fault.
 */
function notFound(error: NotFoundError, raw: RawInputs): Failure {
  const what = error.serverMessage === undefined ? "" : `${sentence(error.serverMessage)} `;
  const path = new URL(error.url).pathname;
  if (error.code !== undefined && path.startsWith(API_PATH)) {
    return {
      exitCode: ExitCode.NotFound,
      message: `not found: ${what}Check --account and --definition ${apiDetail(error)}`,
    };
  }
  const base = typeof raw["--base-url"] === "string" ? "--base-url" : "WORKFLOWS_BASE_URL";
  const cause =
    error.code === undefined
      ? "the answer has no API error body, so the request did not reach the workflows API. "
      : "";
  const prefix = path.slice(0, Math.max(0, path.indexOf(API_PATH)));
  const extra = prefix ? ` it has the path ${prefix}, but the client adds ${API_PATH}… itself;` : "";
  return {
    exitCode: ExitCode.NotFound,
    message: `not found: ${what}${cause}Check ${base}:${extra} it should be the API's root, e.g. https://automation.8x8.com ${apiDetail(error)}`,
  };
}

function rateLimited(error: RateLimitError, raw: RawInputs): string {
  const asks = error.retryAfterMs === undefined ? undefined : `${error.retryAfterMs / 1000} s`;
  if (error.retryAfterExceeded) {
    return `rate limited by the server: it asks to wait ${asks}, longer than workflows waits, so it did not retry; try again later ${apiDetail(error)}`;
  }
  const wait = asks === undefined ? "" : `; it asks to wait ${asks}`;
  return `rate limited by the server ${attemptsMade(error.attempts, raw)}${wait} ${apiDetail(error)}`;
}

/** What went wrong with the walk, and the setting that fixes a unit mismatch (the client's data, in flags). */
function pagination(error: PaginationError): string {
  const probe = "`workflows probe` tells what the server does";
  const where = `(the page at offset ${error.offset}, limit ${error.limit})`;
  switch (error.problem) {
    case "unit-mismatch": {
      const seen = error.observedUnit ?? "";
      return `the server counts offset in ${seen}, not ${error.assumedUnit}: set --offset-unit ${seen} (or auto) or WORKFLOWS_OFFSET_UNIT=${seen}; ${probe}`;
    }
    case "offset-ignored":
      return `the server ignores offset: the page at offset 1 repeated the first one, so a walk cannot go past it; ${probe}`;
    case "inconsistent":
      return `the server's pages fit neither offset unit (items or pages) ${where}; ${probe}`;
    default:
      return `the walk stopped advancing: ${where} held nothing new; ${probe}`;
  }
}

/** Maps any error to its exit code and a one-line message built from the error's data. */
export function toFailure(error: unknown, raw: RawInputs): Failure {
  if (error instanceof UsageError) {
    return { exitCode: ExitCode.Usage, message: `${error.message}\nRun 'workflows --help' for usage.` };
  }
  if (error instanceof WorkflowsAbortError || error instanceof InterruptedError) {
    return { exitCode: ExitCode.Interrupted, message: "interrupted" };
  }
  if (error instanceof MissingApiKeyError) return { exitCode: ExitCode.Auth, message: error.message };
  if (error instanceof InvalidParameterError) return invalidParameter(error, raw);
  if (error instanceof AuthenticationError) {
    return {
      exitCode: ExitCode.Auth,
      message: `authentication failed: the server rejected WORKFLOWS_API_KEY ${apiDetail(error)}`,
    };
  }
  if (error instanceof PermissionDeniedError) {
    return {
      exitCode: ExitCode.Auth,
      message: `permission denied: the API key may not read account ${JSON.stringify(raw["--account"])} ${apiDetail(error)}`,
    };
  }
  if (error instanceof NotFoundError) return notFound(error, raw);
  if (error instanceof BadRequestError) {
    return {
      exitCode: ExitCode.Usage,
      message: `the server rejected a parameter: ${error.serverMessage ?? error.bodyExcerpt} ${apiDetail(error)}`,
    };
  }
  if (error instanceof RateLimitError) {
    return { exitCode: ExitCode.Unavailable, message: rateLimited(error, raw) };
  }
  if (error instanceof InternalServerError) {
    return {
      exitCode: ExitCode.Unavailable,
      message: `the server failed ${attemptsMade(error.attempts, raw)} ${apiDetail(error)}`,
    };
  }
  if (error instanceof WorkflowsTimeoutError) {
    return {
      exitCode: ExitCode.Unavailable,
      message: `timed out: no answer within ${error.timeoutMs} ms (WORKFLOWS_TIMEOUT_MS) ${attemptsMade(error.attempts, raw)}; ${error.method} ${error.url}`,
    };
  }
  if (error instanceof WorkflowsConnectionError) {
    return {
      exitCode: ExitCode.Unavailable,
      message: `cannot reach the server ${attemptsMade(error.attempts, raw)}: ${error.message}`,
    };
  }
  if (error instanceof PaginationError) {
    return { exitCode: ExitCode.Unexpected, message: pagination(error) };
  }
  if (error instanceof WorkflowsApiError) {
    return { exitCode: ExitCode.Unexpected, message: `unexpected answer: ${error.message}` };
  }
  if (error instanceof OutputError) return { exitCode: ExitCode.Unexpected, message: error.message };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { exitCode: ExitCode.Unexpected, message: `unexpected error: ${message}` };
}
