import type { ApiErrorBody } from "@workflows-kit/types";

/** Error codes the 8x8 Automation API documents. */
export const ErrorCode = {
  InvalidParameter: 1000,
  Unauthorized: 1200,
  Forbidden: 1201,
  NotFound: 1300,
} as const;

/** The request an error belongs to: method and URL, never headers (the API key lives there). */
export interface RequestSummary {
  method: string;
  url: string;
}

const EXCERPT_LENGTH = 200;

/** First characters of a body, on one line, for error messages about bodies that are not JSON. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat;
}

/** Base class of every error this package throws. */
export class WorkflowsError extends Error {
  override name = "WorkflowsError";
}

/** Input that breaks the spec's constraints, found before any request was sent. */
export class InvalidParameterError extends WorkflowsError {
  override name = "InvalidParameterError";
  constructor(
    /** The parameter at fault, as the spec names it (`limit`, `definitionId`, …). */
    readonly parameter: string,
    /** The value given. */
    readonly value: unknown,
    /** What is wrong with it, e.g. "must be an integer from 1 to 500". */
    readonly reason: string,
  ) {
    super(`Invalid parameter \`${parameter}\`: ${reason} (got ${describe(value)}).`);
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()})`;
  return String(value);
}

interface ApiErrorInit extends RequestSummary {
  status: number;
  statusText: string;
  /** The parsed body when it has the spec's error shape. */
  body: ApiErrorBody | undefined;
  /** A short excerpt of the body when it does not (an HTML page from a proxy, truncated JSON). */
  bodyExcerpt: string | undefined;
  headers: Headers;
}

/** A response with status >= 400. Subclasses name the documented cases; `code` is 8x8's error code. */
export class WorkflowsApiError extends WorkflowsError {
  override name = "WorkflowsApiError";
  readonly status: number;
  /** 8x8's error code (1000, 1200, 1201, 1300, …); undefined when the body was not the spec's error shape. */
  readonly code: number | undefined;
  readonly errorId: string | undefined;
  /** The server's timestamp string, unchanged (up to 7 fractional digits). */
  readonly timestamp: string | undefined;
  /** The server's message, or undefined when the body was not the spec's error shape. */
  readonly serverMessage: string | undefined;
  readonly method: string;
  /** The request URL (no secrets: the API key travels in a header). */
  readonly url: string;
  readonly body: ApiErrorBody | undefined;
  readonly bodyExcerpt: string | undefined;

  constructor(init: ApiErrorInit) {
    const what = init.body
      ? `code ${init.body.code}, errorId ${init.body.errorId}: ${init.body.message}`
      : `unexpected body: ${JSON.stringify(init.bodyExcerpt ?? "")}`;
    super(`${init.method} ${init.url} failed with ${init.status} ${init.statusText} (${what})`.trim());
    this.status = init.status;
    this.code = init.body?.code;
    this.errorId = init.body?.errorId;
    this.timestamp = init.body?.timestamp;
    this.serverMessage = init.body?.message;
    this.method = init.method;
    this.url = init.url;
    this.body = init.body;
    this.bodyExcerpt = init.bodyExcerpt;
  }

  /** Maps a response to the subclass for its status. `bodyText` is the raw body. */
  static from(request: RequestSummary, response: Response, bodyText: string): WorkflowsApiError {
    const body = parseErrorBody(bodyText);
    const init: ApiErrorInit = {
      ...request,
      status: response.status,
      statusText: response.statusText,
      body,
      bodyExcerpt: body ? undefined : excerpt(bodyText),
      headers: response.headers,
    };
    const Subclass = STATUS_CLASSES[response.status];
    if (Subclass) return new Subclass(init);
    if (response.status >= 500) return new InternalServerError(init);
    return new WorkflowsApiError(init);
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
  readonly retryAfterMs: number | undefined;
  constructor(init: ApiErrorInit) {
    super(init);
    this.retryAfterMs = parseRetryAfter(init.headers.get("retry-after"));
  }
}
/** 5xx after the retries ran out. */
export class InternalServerError extends WorkflowsApiError {
  override name = "InternalServerError";
}

const STATUS_CLASSES: Record<number, new (init: ApiErrorInit) => WorkflowsApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  429: RateLimitError,
};

/** A 2xx response whose body is not the JSON array the spec promises. */
export class InvalidResponseError extends WorkflowsError {
  override name = "InvalidResponseError";
  constructor(
    readonly request: RequestSummary,
    readonly status: number,
    readonly bodyExcerpt: string,
    reason: string,
  ) {
    super(
      `${request.method} ${request.url} answered ${status} with ${reason}: ${JSON.stringify(bodyExcerpt)}`,
    );
  }
}

/** The walk stopped advancing: a full page held only instances of the page before it. */
export class PaginationError extends WorkflowsError {
  override name = "PaginationError";
  constructor(
    readonly offset: number,
    readonly limit: number,
  ) {
    super(
      `The page at offset ${offset} (limit ${limit}) repeated the previous page: the server does not advance ` +
        "with offset. Does it count offset in items rather than pages? See the client's offsetUnit option.",
    );
  }
}

/** The server could not be reached or the connection broke, after the retries ran out. */
export class WorkflowsConnectionError extends WorkflowsError {
  override name = "WorkflowsConnectionError";
  readonly method: string;
  readonly url: string;
  constructor(request: RequestSummary, message: string, options?: { cause?: unknown }) {
    super(`${request.method} ${request.url}: ${message}`, options);
    this.method = request.method;
    this.url = request.url;
  }
}

/** An attempt took longer than `timeoutMs`, and the retries ran out. */
export class WorkflowsTimeoutError extends WorkflowsConnectionError {
  override name = "WorkflowsTimeoutError";
  constructor(
    request: RequestSummary,
    readonly timeoutMs: number,
  ) {
    super(request, `timed out after ${timeoutMs} ms`);
  }
}

/** The caller's `AbortSignal` fired; `cause` is its reason. */
export class WorkflowsAbortError extends WorkflowsError {
  override name = "WorkflowsAbortError";
  constructor(request: RequestSummary, reason: unknown) {
    super(`${request.method} ${request.url}: aborted by the caller`, { cause: reason });
  }
}

function parseErrorBody(text: string): ApiErrorBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const body = value as Record<string, unknown>;
  if (
    typeof body.code !== "number" ||
    typeof body.message !== "string" ||
    typeof body.errorId !== "string" ||
    typeof body.timestamp !== "string"
  ) {
    return undefined;
  }
  return { code: body.code, message: body.message, errorId: body.errorId, timestamp: body.timestamp };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
