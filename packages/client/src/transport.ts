import {
  type AttemptReport,
  parseRetryAfter,
  type RequestSummary,
  WorkflowsAbortError,
  WorkflowsConnectionError,
  WorkflowsTimeoutError,
} from "./errors.js";
import type { AttemptLimits, ClientSettings } from "./options.js";

export type TransportOptions = Pick<
  ClientSettings,
  "apiKey" | "fetch" | "retryBaseDelayMs" | "retryMaxDelayMs" | "maxRetryAfterMs" | "clock" | "random"
>;

/** How a request ended: the URL sent (after any middleware) and the attempts. */
export interface Exchange extends Omit<AttemptReport, "now"> {
  url: string;
}

/** The `fetch` openapi-fetch calls: one request in, the final response out (retries inside). */
export type TransportFetch = (request: Request) => Promise<Response>;

export interface Transport {
  /** A fetch whose attempts follow `limits`; `record` learns how each request ended. */
  fetch(limits: AttemptLimits, record?: (exchange: Exchange) => void): TransportFetch;
}

/** One attempt's response with its body read, or why it failed. */
type Attempt = { response: Response; body: string } | { timedOut: boolean; cause: unknown };

// The call is a safe GET: rate limits and server faults are worth another try, client errors are not.
const isRetryable = (status: number) => status === 429 || status >= 500;

/**
 * Adds the bearer key, bounds each attempt by `timeoutMs`, reads the body inside the attempt (so
 * a reset mid-body is retried too) and retries with exponential backoff and jitter, honouring
 * Retry-After. Every wait and timeout runs on `clock`. The key exists only in this closure.
 */
export function createTransport(options: TransportOptions): Transport {
  const authorization = `Bearer ${options.apiKey}`;
  const { clock } = options;
  const platformFetch = globalThis.fetch;
  const custom = options.fetch;
  // A caller's fetch gets the final Request. The platform's builds one from (request, init) anyway.
  const send = custom
    ? (request: Request, init: RequestInit) => custom(new Request(request, init))
    : (request: Request, init: RequestInit) => platformFetch(request, init);

  /** Calls `onTime` after `ms` on the clock, or `onAbort` when `signal` fires; returns what cancels both. */
  function arm(signal: AbortSignal, ms: number, onTime: () => void, onAbort: () => void): () => void {
    const timer = clock.setTimeout(onTime, ms);
    signal.addEventListener("abort", onAbort, { once: true });
    return () => {
      clock.clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
  }

  /** Resolves after `ms` on the clock, or rejects with WorkflowsAbortError as soon as `signal` fires. */
  function sleep(ms: number, signal: AbortSignal, summary: RequestSummary): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new WorkflowsAbortError(summary, signal.reason));
      const disarm = arm(
        signal,
        ms,
        () => {
          disarm();
          resolve();
        },
        () => {
          disarm();
          reject(new WorkflowsAbortError(summary, signal.reason));
        },
      );
    });
  }

  /** Step `n` waits between half and all of min(max, base·2ⁿ). */
  function backoff(step: number): number {
    const ceiling = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** step);
    return ceiling / 2 + (options.random() * ceiling) / 2;
  }

  async function attempt(request: Request, timeoutMs: number, summary: RequestSummary): Promise<Attempt> {
    const signal = request.signal;
    // One controller for the caller's signal and the timeout (AbortSignal.any costs tens of µs a call).
    const controller = new AbortController();
    let timedOut = false;
    const disarm = arm(
      signal,
      timeoutMs,
      () => {
        timedOut = true;
        controller.abort();
      },
      () => controller.abort(signal.reason),
    );
    try {
      const headers = new Headers(request.headers);
      headers.set("authorization", authorization);
      const response = await send(request, { headers, signal: controller.signal });
      return { response, body: await response.text() };
    } catch (cause) {
      if (signal.aborted) throw new WorkflowsAbortError(summary, signal.reason);
      return { timedOut, cause };
    } finally {
      disarm();
    }
  }

  async function exchange(
    request: Request,
    limits: AttemptLimits,
  ): Promise<Exchange & { response: Response }> {
    const summary = { method: request.method, url: request.url };
    const signal = request.signal;
    for (let attempts = 1; ; attempts++) {
      if (signal.aborted) throw new WorkflowsAbortError(summary, signal.reason);
      const result = await attempt(request, limits.timeoutMs, summary);
      const canRetry = attempts <= limits.maxRetries;
      if ("cause" in result) {
        if (canRetry) {
          await sleep(backoff(attempts - 1), signal, summary);
          continue;
        }
        const { timedOut, cause } = result;
        if (timedOut) throw new WorkflowsTimeoutError(summary, limits.timeoutMs, attempts);
        const reason = cause instanceof Error ? describeNetworkError(cause) : String(cause);
        throw new WorkflowsConnectionError(summary, reason, attempts, { cause });
      }
      let retryAfterExceeded = false;
      if (canRetry && isRetryable(result.response.status)) {
        const retryAfter = parseRetryAfter(result.response.headers.get("retry-after"), clock.now());
        // A wait longer than the cap is the caller's decision: surface the error with retryAfterMs.
        retryAfterExceeded = retryAfter !== undefined && retryAfter > options.maxRetryAfterMs;
        if (!retryAfterExceeded) {
          await sleep(retryAfter ?? backoff(attempts - 1), signal, summary);
          continue;
        }
      }
      const response = replay(result.response, result.body, summary.url);
      return { response, url: summary.url, attempts, retryAfterExceeded };
    }
  }

  return {
    fetch: (limits, record) => async (request) => {
      const done = await exchange(request, limits);
      record?.(done);
      return done.response;
    },
  };
}

/** What openapi-fetch gets back: the attempt's response, its body (already read) replayed. */
function replay(from: Response, text: string, url: string): Response {
  // An empty body as null: 204, 205 and 304 cannot have one, even an empty one.
  const response = new Response(text || null, from);
  // A constructed Response has an empty url; callers of client.raw expect the one it went to.
  Object.defineProperty(response, "url", { value: url });
  return response;
}

function describeNetworkError(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message} (${detail})` : error.message;
}
