import {
  type AttemptReport,
  parseRetryAfter,
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

/** A fetch whose attempts follow `limits`; `record` learns how each request ended. */
export type Transport = (limits: AttemptLimits, record?: (exchange: Exchange) => void) => TransportFetch;

// The call is a safe GET: rate limits and server faults are worth another try, client errors are not.
const isRetryable = (status: number) => status === 429 || status >= 500;

/**
 * Adds the bearer key, bounds each attempt by `timeoutMs`, reads the body inside the attempt (so
 * a reset mid-body is retried too) and retries with exponential backoff and jitter, honouring
 * Retry-After. Every wait and timeout runs on `clock`. The key exists only in this closure.
 */
export function createTransport(options: TransportOptions): Transport {
  const authorization = `Bearer ${options.apiKey}`;
  const { clock, fetch: custom } = options;
  const platformFetch = globalThis.fetch;
  // A caller's fetch gets the final Request. The platform's builds one from (request, init) anyway.
  const send = custom
    ? (request: Request, init: RequestInit) => custom(new Request(request, init))
    : (request: Request, init: RequestInit) => platformFetch(request, init);

  /** Calls `onTime` after `ms` on the clock, or `onAbort` when `signal` fires, once; returns what cancels both. */
  function arm(signal: AbortSignal, ms: number, onTime: () => void, onAbort: () => void): () => void {
    const disarm = () => {
      clock.clearTimeout(timer);
      signal.removeEventListener("abort", abort);
    };
    const abort = () => {
      disarm();
      onAbort();
    };
    const timer = clock.setTimeout(() => {
      disarm();
      onTime();
    }, ms);
    signal.addEventListener("abort", abort, { once: true });
    return disarm;
  }

  /** Step `n` waits between half and all of min(max, base·2ⁿ). */
  function backoff(step: number): number {
    const ceiling = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** step);
    return ceiling / 2 + (options.random() * ceiling) / 2;
  }

  return (limits, record) => async (request) => {
    const summary = { method: request.method, url: request.url };
    const { signal } = request;
    const aborted = () => new WorkflowsAbortError(summary, signal.reason);
    /** Resolves after `ms` on the clock, or rejects with WorkflowsAbortError as soon as `signal` fires. */
    const sleep = (ms: number) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) reject(aborted());
        else arm(signal, ms, resolve, () => reject(aborted()));
      });
    for (let attempts = 1; ; attempts++) {
      if (signal.aborted) throw aborted();
      const canRetry = attempts <= limits.maxRetries;
      // One controller for the caller's signal and the timeout (AbortSignal.any costs tens of µs a call).
      const controller = new AbortController();
      let timedOut = false;
      const disarm = arm(
        signal,
        limits.timeoutMs,
        () => {
          timedOut = true;
          controller.abort();
        },
        () => controller.abort(signal.reason),
      );
      let response: Response | undefined;
      let failure: unknown;
      try {
        const headers = new Headers(request.headers);
        headers.set("authorization", authorization);
        response = await readToEnd(await send(request, { headers, signal: controller.signal }), summary.url);
      } catch (cause) {
        failure = cause;
      } finally {
        disarm();
      }
      if (!response) {
        if (signal.aborted) throw aborted();
        if (canRetry) {
          await sleep(backoff(attempts - 1));
          continue;
        }
        if (timedOut) throw new WorkflowsTimeoutError(summary, limits.timeoutMs, attempts);
        const reason = failure instanceof Error ? describeNetworkError(failure) : String(failure);
        throw new WorkflowsConnectionError(summary, reason, attempts, { cause: failure });
      }
      let retryAfterExceeded = false;
      if (canRetry && isRetryable(response.status)) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"), clock.now());
        // A wait longer than the cap is the caller's decision: surface the error with retryAfterMs.
        retryAfterExceeded = retryAfter !== undefined && retryAfter > options.maxRetryAfterMs;
        if (!retryAfterExceeded) {
          await sleep(retryAfter ?? backoff(attempts - 1));
          continue;
        }
      }
      record?.({ url: summary.url, attempts, retryAfterExceeded });
      return response;
    }
  };
}

/**
 * The response with its body read to the end, for openapi-fetch: its chunks as they arrived (not
 * text: decoded once, by openapi-fetch; not one buffer: no copy) replayed.
 */
async function readToEnd(from: Response, url: string): Promise<Response> {
  const chunks: Uint8Array[] = [];
  const reader = from.body?.getReader();
  if (reader) {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      if (read.value.byteLength) chunks.push(read.value);
    }
  }
  // No body rather than an empty one: 204, 205 and 304 cannot have one.
  const body = chunks.length
    ? new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      })
    : null;
  const response = new Response(body, from);
  // A constructed Response has an empty url; callers of client.raw expect the one it went to.
  Object.defineProperty(response, "url", { value: url });
  return response;
}

function describeNetworkError(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message} (${detail})` : error.message;
}
