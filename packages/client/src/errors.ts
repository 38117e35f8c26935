import type { ApiErrorBody, OffsetUnit } from "@workflows-kit/types";

/** Error codes the 8x8 Automation API documents (1100: the spec's 429 example). */
export const ErrorCode = {
  InvalidParameter: 1000,
  TooManyRequests: 1100,
  Unauthorized: 1200,
  Forbidden: 1201,
  NotFound: 1300,
} as const;
/** A documented error code: `1000 | 1100 | 1200 | 1201 | 1300`. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The request an error belongs to: method and URL, never headers (the API key lives there). */
export interface RequestSummary {
  method: string;
  url: string;
}

/** `text` cut to `max` characters, an ellipsis marking the cut. */
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** First 200 characters of a body, on one line, for error messages about bodies that are not JSON. */
export const excerpt = (text: string) => cut(text.replace(/\s+/g, " ").trim(), 200);

/** How every message about a request starts: `GET <url>` (no secrets: the key is a header). */
const at = ({ method, url }: RequestSummary) => `${method} ${url}`;

/** Base class of every error this package throws. */
export class WorkflowsError extends Error {
  override name = "WorkflowsError";
}

/** Input that breaks the spec's constraints, found before any request was sent. */
export class InvalidParameterError extends WorkflowsError {
  override name = "InvalidParameterError";
  /** The parameter at fault, as the spec names it (`limit`, `definitionId`, …). */
  declare readonly parameter: string;
  /** The value given (an invalid `Date` stays that `Date`). */
  declare readonly value: unknown;
  /** What is wrong with it, e.g. "must be an integer from 1 to 500". */
  declare readonly reason: string;
  constructor(parameter: string, value: unknown, reason: string) {
    super(`${parameter} ${reason} (got ${describe(value)})`);
    this.parameter = parameter;
    this.value = value;
    this.reason = reason;
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(cut(value, 60));
  // String() of an invalid Date is "Invalid Date"; toISOString() would throw.
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? value : value.toISOString()})`;
  return String(value);
}

/** What the transport knows about how a call ended, besides the response. */
export interface AttemptReport {
  /** Requests sent for the call (1 = no retry; 0 = a middleware answered without one). */
  attempts: number;
  /** Retries were left, but the last `Retry-After` asked for longer than `maxRetryAfterMs`. */
  retryAfterExceeded: boolean;
  /** The client clock's time, to read a `Retry-After` HTTP date. */
  now: number;
}

/** A response with status >= 400. Subclasses name the documented cases; `code` is 8x8's error code. */
export class WorkflowsApiError extends WorkflowsError {
  override name = "WorkflowsApiError";
  declare readonly status: number;
  /** 8x8's error code (see `ErrorCode`), or another number; undefined when the body was not the spec's error shape. */
  declare readonly code: ErrorCode | (number & {}) | undefined;
  declare readonly errorId: string | undefined;
  /** The server's timestamp string, unchanged (up to 7 fractional digits). */
  declare readonly timestamp: string | undefined;
  /** The server's message, or undefined when the body was not the spec's error shape. */
  declare readonly serverMessage: string | undefined;
  declare readonly method: string;
  /** The request URL (no secrets: the API key travels in a header). */
  declare readonly url: string;
  /** The parsed body when it has the spec's error shape. */
  declare readonly body: ApiErrorBody | undefined;
  /** A short excerpt of the body when it does not (an HTML page from a proxy, truncated JSON). */
  declare readonly bodyExcerpt: string | undefined;
  /** The response's headers. */
  declare readonly headers: Headers;
  /** The response's `x-request-id`, else `request-id`, else `x-correlation-id`: what support asks for. */
  declare readonly requestId: string | undefined;
  /** Requests sent for this call: 1 = no retry (0 = a middleware answered without one). */
  declare readonly attempts: number;

  /** `parsed`: the body of `response` as openapi-fetch read it (JSON parsed when it was JSON, else text). */
  constructor(request: RequestSummary, response: Response, parsed: unknown, report: AttemptReport) {
    const body = isErrorBody(parsed) ? parsed : undefined;
    const { code, message: serverMessage, errorId, timestamp } = body ?? {};
    // Undefined for an empty body.
    const bodyText = typeof parsed === "string" ? parsed : (JSON.stringify(parsed) ?? "");
    const bodyExcerpt = body ? undefined : excerpt(bodyText);
    const { status, headers } = response;
    const what = body
      ? `code ${code}, errorId ${errorId}: ${serverMessage}`
      : `unexpected body: ${JSON.stringify(bodyExcerpt)}`;
    super(`${at(request)} failed with ${status} ${response.statusText} (${what})`);
    Object.assign(this, {
      status,
      code,
      errorId,
      timestamp,
      serverMessage,
      ...request,
      body,
      bodyExcerpt,
      headers,
      requestId:
        headers.get("x-request-id") ??
        headers.get("request-id") ??
        headers.get("x-correlation-id") ??
        undefined,
      attempts: report.attempts,
    });
  }

  /** Maps a response to the subclass for its status. */
  static from(
    request: RequestSummary,
    response: Response,
    parsed: unknown,
    report: AttemptReport,
  ): WorkflowsApiError {
    const { status } = response;
    const Subclass = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : WorkflowsApiError);
    return new Subclass(request, response, parsed, report);
  }
}

/** 400: a parameter was rejected by the server (`code` 1000, e.g. invalid definition id). */
export class BadRequestError extends WorkflowsApiError {
  override name = "BadRequestError";
}
/** 401: missing or invalid API key (`code` 1200). */
export class AuthenticationError extends WorkflowsApiError {
  override name = "AuthenticationError";
}
/** 403: the key may not read this account (`code` 1201). */
export class PermissionDeniedError extends WorkflowsApiError {
  override name = "PermissionDeniedError";
}
/** 404: the workflow definition does not exist (`code` 1300). */
export class NotFoundError extends WorkflowsApiError {
  override name = "NotFoundError";
}
/** 429 after the retries ran out (or `Retry-After` exceeded `maxRetryAfterMs`). */
export class RateLimitError extends WorkflowsApiError {
  override name = "RateLimitError";
  /** What `Retry-After` asked for, in milliseconds, when the server sent it. */
  declare readonly retryAfterMs: number | undefined;
  /**
   * True when retries were left but `Retry-After` asked for longer than `maxRetryAfterMs`, so the
   * client did not wait and threw at once; false when the retries ran out (or none were allowed).
   */
  declare readonly retryAfterExceeded: boolean;
  constructor(request: RequestSummary, response: Response, parsed: unknown, report: AttemptReport) {
    super(request, response, parsed, report);
    this.retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), report.now);
    this.retryAfterExceeded = report.retryAfterExceeded;
  }
}
/** 5xx after the retries ran out. */
export class InternalServerError extends WorkflowsApiError {
  override name = "InternalServerError";
}

const STATUS_CLASSES: Record<number, typeof WorkflowsApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
};

/** A 2xx response whose body is not the JSON array the spec promises. */
export class InvalidResponseError extends WorkflowsError {
  override name = "InvalidResponseError";
  declare readonly request: RequestSummary;
  declare readonly status: number;
  declare readonly bodyExcerpt: string;
  constructor(request: RequestSummary, status: number, bodyExcerpt: string, reason: string) {
    super(`${at(request)} answered ${status} with ${reason}: ${JSON.stringify(bodyExcerpt)}`);
    Object.assign(this, { request, status, bodyExcerpt });
  }
}

/**
 * Why a walk cannot go on safely: `"unit-mismatch"` (the server counts the other offset unit),
 * `"offset-ignored"` (offset 1 answered the first page again), `"inconsistent"` (the check page fits
 * neither unit), `"no-progress"` (a full page held nothing new on a list that cannot have shifted).
 */
export type PaginationProblem = "unit-mismatch" | "offset-ignored" | "inconsistent" | "no-progress";

export interface PaginationErrorInit {
  problem: PaginationProblem;
  /** The request that showed it. */
  offset: number;
  limit: number;
  /** The unit the client assumed: its `offsetUnit` option (or the spec's default). */
  assumedUnit: OffsetUnit | "auto";
  /** The unit the server was seen to count (only for `"unit-mismatch"`). */
  observedUnit?: OffsetUnit | undefined;
}

const PAGINATION_MESSAGES: Record<PaginationProblem, (init: PaginationErrorInit) => string> = {
  "unit-mismatch": ({ observedUnit: seen, assumedUnit }) =>
    `offset counts ${seen}, not ${assumedUnit}: set offsetUnit: "${seen}" (or "auto")`,
  "offset-ignored": () => "The server ignores offset",
  inconsistent: () => "The server's pages fit neither offset unit",
  "no-progress": ({ offset, limit }) => `Nothing new at offset ${offset} (limit ${limit})`,
};

/** A walk stopped instead of returning a wrong set; `problem` says why. */
export class PaginationError extends WorkflowsError {
  override name = "PaginationError";
  declare readonly problem: PaginationProblem;
  declare readonly offset: number;
  declare readonly limit: number;
  declare readonly assumedUnit: OffsetUnit | "auto";
  declare readonly observedUnit: OffsetUnit | undefined;
  constructor(init: PaginationErrorInit) {
    super(PAGINATION_MESSAGES[init.problem](init));
    Object.assign(this, init);
  }
}

/** The server could not be reached or the connection broke, after the retries ran out. */
export class WorkflowsConnectionError extends WorkflowsError {
  override name = "WorkflowsConnectionError";
  declare readonly method: string;
  declare readonly url: string;
  /** Requests sent for this call: 1 = no retry. */
  declare readonly attempts: number;
  constructor(request: RequestSummary, message: string, attempts: number, options?: { cause?: unknown }) {
    super(`${at(request)}: ${message}`, options);
    Object.assign(this, request, { attempts });
  }
}

/** An attempt took longer than `timeoutMs`, and the retries ran out. */
export class WorkflowsTimeoutError extends WorkflowsConnectionError {
  override name = "WorkflowsTimeoutError";
  declare readonly timeoutMs: number;
  constructor(request: RequestSummary, timeoutMs: number, attempts: number) {
    super(request, `timed out after ${timeoutMs} ms`, attempts);
    this.timeoutMs = timeoutMs;
  }
}

/** The caller's `AbortSignal` fired; `cause` is its reason. */
export class WorkflowsAbortError extends WorkflowsError {
  override name = "WorkflowsAbortError";
  constructor(request: RequestSummary, reason: unknown) {
    super(`${at(request)}: aborted by the caller`, { cause: reason });
  }
}

/** The spec's error shape (extra fields kept as sent). */
function isErrorBody(value: unknown): value is ApiErrorBody {
  const { code, message, errorId, timestamp } = (value ?? {}) as Record<string, unknown>;
  return (
    typeof code === "number" &&
    typeof message === "string" &&
    typeof errorId === "string" &&
    typeof timestamp === "string"
  );
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
