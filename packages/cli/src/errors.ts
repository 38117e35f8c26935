import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  InvalidParameterError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
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
  apiKey: "WORKFLOWS_API_KEY",
  baseUrl: "WORKFLOWS_BASE_URL",
  maxRetries: "WORKFLOWS_MAX_RETRIES",
  timeoutMs: "WORKFLOWS_TIMEOUT_MS",
};
const PARAMETER_NAMES = new RegExp(`\\b(${Object.keys(SOURCE_OF).join("|")})\\b`, "g");

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
  const source = SOURCE_OF[error.parameter] ?? error.parameter;
  // The client words its reasons in spec names ("later than startTimeTo"); the user typed flags.
  const reason = error.reason.replace(PARAMETER_NAMES, (name) => SOURCE_OF[name] ?? name);
  if (error.parameter === "apiKey") {
    return { exitCode: ExitCode.Auth, message: `${source} ${reason}` };
  }
  const value = raw[source];
  const got = typeof value === "string" ? ` (got ${JSON.stringify(value)})` : "";
  return { exitCode: ExitCode.Usage, message: `${source} ${reason}${got}` };
}

/** Maps any error to its exit code and a one-line message built from the error's data. */
export function toFailure(error: unknown, raw: RawInputs): Failure {
  if (error instanceof UsageError) {
    return { exitCode: ExitCode.Usage, message: `${error.message}\nRun 'workflows --help' for usage.` };
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
  if (error instanceof NotFoundError) {
    return {
      exitCode: ExitCode.NotFound,
      message: `not found: ${error.serverMessage ?? "no such resource"} Check --account and --definition ${apiDetail(error)}`,
    };
  }
  if (error instanceof BadRequestError) {
    return {
      exitCode: ExitCode.Usage,
      message: `the server rejected a parameter: ${error.serverMessage ?? error.bodyExcerpt} ${apiDetail(error)}`,
    };
  }
  if (error instanceof RateLimitError) {
    const wait = error.retryAfterMs === undefined ? "" : `; it asks to wait ${error.retryAfterMs / 1000} s`;
    return {
      exitCode: ExitCode.Unavailable,
      message: `rate limited by the server, retries exhausted${wait} ${apiDetail(error)}`,
    };
  }
  if (error instanceof InternalServerError) {
    return {
      exitCode: ExitCode.Unavailable,
      message: `the server failed, retries exhausted ${apiDetail(error)}`,
    };
  }
  if (error instanceof WorkflowsTimeoutError) {
    return {
      exitCode: ExitCode.Unavailable,
      message: `timed out: no answer within ${error.timeoutMs} ms (WORKFLOWS_TIMEOUT_MS), retries exhausted; ${error.method} ${error.url}`,
    };
  }
  if (error instanceof WorkflowsConnectionError) {
    return {
      exitCode: ExitCode.Unavailable,
      message: `cannot reach the server, retries exhausted: ${error.message}`,
    };
  }
  if (error instanceof WorkflowsApiError) {
    return { exitCode: ExitCode.Unexpected, message: `unexpected answer: ${error.message}` };
  }
  if (error instanceof OutputError) return { exitCode: ExitCode.Unexpected, message: error.message };
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { exitCode: ExitCode.Unexpected, message: `unexpected error: ${message}` };
}
