import {
  type OffsetUnit,
  type SchemaConstraints,
  schemaViolation,
  servers,
  offsetUnit as specOffsetUnit,
} from "@workflows-kit/types";
import { InvalidParameterError } from "./errors.js";

/** What `offset` counts on the server: a unit, or `"auto"` to find out on the first walk that needs it. */
export type OffsetUnitOption = OffsetUnit | "auto";

/**
 * Time as the client reads it and waits on it: the per-attempt timeout, the backoff sleep and the
 * `Retry-After` date arithmetic all go through it. Default: `Date.now`, `setTimeout`, `clearTimeout`.
 * Tests pass a virtual clock to assert waits exactly instead of measuring them.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WorkflowsClientOptions {
  /** 8x8 API key, sent as `Authorization: Bearer <apiKey>` and nowhere else. */
  apiKey: string;
  /** Default: the spec's server, https://automation.8x8.com. */
  baseUrl?: string | undefined;
  /** The fetch implementation to send requests with (it gets the final `Request`). Default: globalThis.fetch. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Retries after 429, 5xx, connection failures and timeouts. Default 2. */
  maxRetries?: number | undefined;
  /** Bound on each attempt, body included. Default 30 000 ms. */
  timeoutMs?: number | undefined;
  /** Check parameters against the spec before sending. Default true. */
  validate?: boolean | undefined;
  /**
   * What `offset` counts on this server. Default: what the spec states (`x-offset-unit`). A walk
   * checks it once per client and throws PaginationError if the server counts the other unit;
   * `"auto"` adopts what the server counts instead.
   */
  offsetUnit?: OffsetUnitOption | undefined;
  /** First backoff step; doubles per retry, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number | undefined;
  /** Longest backoff step. Default 8 000 ms. */
  retryMaxDelayMs?: number | undefined;
  /** A `Retry-After` longer than this is not waited for: the RateLimitError is thrown. Default 60 000 ms. */
  maxRetryAfterMs?: number | undefined;
  /** Time for timeouts, backoff and `Retry-After` dates (a test seam). Default: the system's. */
  clock?: Clock | undefined;
  /** Randomness of the backoff jitter, a number in [0, 1) per call (a test seam). Default: Math.random. */
  random?: (() => number) | undefined;
}

/** Per-call options of every call, overriding the client's for that call. */
export interface CallOptions {
  /** Cancels the call at once, also during a backoff wait. */
  signal?: AbortSignal | undefined;
  /** Extra request headers (e.g. Prism's `Prefer`); `Authorization` is the client's and cannot be set here. */
  headers?: HeadersInit | undefined;
  /** Bound on each attempt of this call, body included. */
  timeoutMs?: number | undefined;
  /** Retries of this call. */
  maxRetries?: number | undefined;
}

/** What one call may change about its attempts. */
export interface AttemptLimits {
  maxRetries: number;
  timeoutMs: number;
}

/** The client's options, checked, with their defaults. */
export interface ClientSettings extends AttemptLimits {
  apiKey: string;
  baseUrl: string;
  /** The caller's fetch, or undefined for the platform's. */
  fetch?: typeof globalThis.fetch | undefined;
  validate: boolean;
  offsetUnit: OffsetUnitOption;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  clock: Clock;
  random: () => number;
}

/** A call's options, checked, with the client's limits where the call sets none. */
export interface CallSettings extends AttemptLimits {
  signal: AbortSignal | undefined;
  headers: Headers;
}

// setTimeout overflows above 2^31-1 ms and fires at once, so no wait may exceed it.
const delay = (minimum: number) => ({ type: "number", minimum, maximum: 2_147_483_647 });
const RETRIES = { type: "integer", minimum: 0 };

/**
 * `settings`, or InvalidParameterError naming a key of `options` it has no setting for (a typo),
 * never with its value: a misspelt `apiKey` holds the key.
 */
function checkKeys<T extends object>(options: object, settings: T): T {
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !Object.hasOwn(settings, key)) {
      throw new InvalidParameterError(
        key,
        "<redacted>",
        `is not an option (known: ${Object.keys(settings).join(", ")})`,
      );
    }
  }
  return settings;
}

const systemClock: Clock = {
  now: Date.now,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** `value` (`fallback` when undefined), or InvalidParameterError naming `name` when it breaks `schema`. */
export function checkOption<T>(
  name: string,
  value: T | undefined,
  fallback: T,
  schema: SchemaConstraints,
): T {
  const reason = value === undefined ? undefined : schemaViolation(value, schema);
  if (reason) throw new InvalidParameterError(name, value, reason);
  return value ?? fallback;
}

function baseUrlOption(baseUrl: string): string {
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {}
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new InvalidParameterError("baseUrl", baseUrl, "must be an absolute http(s) URL");
  }
  if (url.username || url.password) {
    // fetch would echo the whole URL, password included, in its TypeError.
    throw new InvalidParameterError("baseUrl", "<redacted>", "must not contain credentials");
  }
  return baseUrl;
}

/** Checks the client's options (InvalidParameterError naming the first bad one) and fills in defaults. */
export function clientSettings(options: WorkflowsClientOptions): ClientSettings {
  // Not an object (a bare key, say): then no apiKey was given.
  if (typeof options !== "object" || !options) options = {} as WorkflowsClientOptions;
  const { apiKey, clock = systemClock, random = Math.random } = options;
  const seams = {
    random,
    "clock.now": clock?.now,
    "clock.setTimeout": clock?.setTimeout,
    "clock.clearTimeout": clock?.clearTimeout,
  };
  for (const [name, value] of Object.entries(seams)) {
    if (typeof value !== "function") throw new InvalidParameterError(name, value, "must be a function");
  }
  // Every option has its setting here: an option without one is a typo (first: it may be a misspelt apiKey).
  const settings = checkKeys(options, {
    apiKey,
    baseUrl: baseUrlOption(options.baseUrl ?? servers[0]),
    fetch: options.fetch,
    validate: options.validate ?? true,
    offsetUnit: checkOption("offsetUnit", options.offsetUnit, specOffsetUnit, {
      type: "string",
      enum: ["pages", "items", "auto"],
    }),
    maxRetries: checkOption("maxRetries", options.maxRetries, 2, RETRIES),
    timeoutMs: checkOption("timeoutMs", options.timeoutMs, 30_000, delay(1)),
    retryBaseDelayMs: checkOption("retryBaseDelayMs", options.retryBaseDelayMs, 500, delay(0)),
    retryMaxDelayMs: checkOption("retryMaxDelayMs", options.retryMaxDelayMs, 8_000, delay(0)),
    maxRetryAfterMs: checkOption("maxRetryAfterMs", options.maxRetryAfterMs, 60_000, delay(0)),
    clock,
    random,
  });
  if (typeof apiKey !== "string" || !/^[\x21-\x7e]+$/.test(apiKey)) {
    // Never echo the key back: it is a secret even when it is malformed.
    throw new InvalidParameterError(
      "apiKey",
      apiKey === undefined ? apiKey : "<redacted>",
      "must be a non-empty string of visible ASCII",
    );
  }
  return settings;
}

function headersOption(headers: HeadersInit | undefined): Headers {
  let parsed: Headers;
  try {
    parsed = new Headers(headers);
  } catch {
    // Not fetch's message: it quotes the offending value, which may be a secret.
    throw new InvalidParameterError("headers", "<redacted>", "must be valid HTTP headers");
  }
  if (parsed.has("authorization")) {
    throw new InvalidParameterError("headers", "<redacted>", "cannot set Authorization");
  }
  return parsed;
}

/** Checks one call's options against the client's (InvalidParameterError naming the first bad one). */
export function callSettings(options: CallOptions = {}, client: AttemptLimits): CallSettings {
  if (typeof options !== "object" || options === null) {
    throw new InvalidParameterError("options", options, "must be an object");
  }
  const { signal, headers, timeoutMs, maxRetries } = options;
  if (signal != null && !(signal instanceof AbortSignal)) {
    throw new InvalidParameterError("signal", signal, "must be an AbortSignal");
  }
  return checkKeys(options, {
    signal,
    headers: headersOption(headers),
    timeoutMs: checkOption("timeoutMs", timeoutMs, client.timeoutMs, delay(1)),
    maxRetries: checkOption("maxRetries", maxRetries, client.maxRetries, RETRIES),
  });
}
