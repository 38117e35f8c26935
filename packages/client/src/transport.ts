import {
  parseRetryAfter,
  type RequestSummary,
  WorkflowsAbortError,
  WorkflowsConnectionError,
  type WorkflowsError,
  WorkflowsTimeoutError,
} from "./errors.js";

export interface TransportOptions {
  apiKey: string;
  fetch: typeof globalThis.fetch;
  /**
   * Hand `fetch` the final Request (key included), built here. False for the platform's own fetch:
   * it builds a Request from (request, init) anyway, so building one here would be a second copy.
   */
  buildRequest: boolean;
  maxRetries: number;
  timeoutMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
}

/** The attempt's response with its body already read, or why the attempt failed. */
export interface Exchange {
  response: Response;
  body: string;
}
type Attempt = Exchange | { error: WorkflowsError };

export interface Transport {
  /** The `fetch` openapi-fetch calls (through its middleware). */
  send(request: Request): Promise<Response>;
  /** A GET of `url` with no Request built in between: the path when no middleware is registered. */
  get(url: string, signal: AbortSignal | undefined): Promise<Exchange>;
}

// The call is a safe GET: rate limits and server faults are worth another try, client errors are not.
const isRetryable = (status: number) => status === 429 || status >= 500;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Resolves after `ms`, or rejects with WorkflowsAbortError as soon as `signal` fires. */
function sleep(ms: number, signal: AbortSignal | undefined, request: RequestSummary): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new WorkflowsAbortError(request, signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WorkflowsAbortError(request, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Adds the bearer key, bounds each attempt by `timeoutMs`, reads the body inside the attempt
 * (so a reset mid-body is retried too) and retries with exponential backoff and jitter,
 * honouring Retry-After. The key exists only in this closure.
 */
export function createTransport(options: TransportOptions): Transport {
  const authorization = `Bearer ${options.apiKey}`;

  /** One attempt. `input`: openapi-fetch's Request, or a URL (a plain GET); `signal`: the caller's. */
  async function attemptOnce(
    input: Request | string,
    summary: RequestSummary,
    signal: AbortSignal | undefined,
  ): Promise<Attempt> {
    // One controller for the caller's signal and the timeout (AbortSignal.any costs tens of µs a call).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      let headers: HeadersInit = { authorization };
      if (typeof input !== "string") {
        headers = new Headers(input.headers);
        headers.set("authorization", authorization);
      }
      const init = { headers, signal: controller.signal };
      const response = await (options.buildRequest
        ? options.fetch(new Request(input, init))
        : options.fetch(input, init));
      return { response, body: await response.text() };
    } catch (error) {
      if (signal?.aborted) throw new WorkflowsAbortError(summary, signal.reason);
      if (timedOut) return { error: new WorkflowsTimeoutError(summary, options.timeoutMs) };
      const reason = error instanceof Error ? describeNetworkError(error) : String(error);
      return { error: new WorkflowsConnectionError(summary, reason, { cause: error }) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  function backoff(attempt: number): number {
    const ceiling = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** attempt);
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  async function exchange(
    input: Request | string,
    summary: RequestSummary,
    signal: AbortSignal | undefined,
  ): Promise<Exchange> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new WorkflowsAbortError(summary, signal.reason);
      const result = await attemptOnce(input, summary, signal);
      const canRetry = attempt < options.maxRetries;
      if ("error" in result) {
        if (!canRetry) throw result.error;
        await sleep(backoff(attempt), signal, summary);
        continue;
      }
      if (isRetryable(result.response.status) && canRetry) {
        const retryAfter = parseRetryAfter(result.response.headers.get("retry-after"));
        // A wait longer than the cap is the caller's decision: surface the error with retryAfterMs.
        if (retryAfter === undefined || retryAfter <= options.maxRetryAfterMs) {
          await sleep(retryAfter ?? backoff(attempt), signal, summary);
          continue;
        }
      }
      return result;
    }
  }

  return {
    async send(request) {
      const summary = { method: request.method, url: request.url };
      const { response, body } = await exchange(request, summary, request.signal);
      return replay(response, body, summary.url);
    },
    get: (url, signal) => exchange(url, { method: "GET", url }, signal),
  };
}

/** What openapi-fetch gets back: the attempt's response, its body (already read) replayed. */
function replay(from: Response, body: string, url: string): Response {
  const response = new Response(NULL_BODY_STATUSES.has(from.status) ? null : body, {
    status: from.status,
    statusText: from.statusText,
    headers: from.headers,
  });
  // A constructed Response has an empty url; errors need the one this request went to.
  Object.defineProperty(response, "url", { value: url });
  return response;
}

function describeNetworkError(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message} (${detail})` : error.message;
}
