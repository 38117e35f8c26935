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
  maxRetries: number;
  timeoutMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
}

type Attempt = { response: Response; body: string } | { error: WorkflowsError };

// The call is a safe GET: rate limits and server faults are worth another try, client errors are not.
const isRetryable = (status: number) => status === 429 || status >= 500;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Resolves after `ms`, or rejects with WorkflowsAbortError as soon as `signal` fires. */
function sleep(ms: number, signal: AbortSignal, request: RequestSummary): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new WorkflowsAbortError(request, signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WorkflowsAbortError(request, signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The `fetch` openapi-fetch calls: adds the bearer key, bounds each attempt by `timeoutMs`,
 * reads the body inside the attempt (so a reset mid-body is retried too) and retries with
 * exponential backoff and jitter, honouring Retry-After. The key exists only in this closure.
 */
export function createTransport(options: TransportOptions): (request: Request) => Promise<Response> {
  const authorization = `Bearer ${options.apiKey}`;

  async function attemptOnce(request: Request, summary: RequestSummary): Promise<Attempt> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
    try {
      const headers = new Headers(request.headers);
      headers.set("authorization", authorization);
      const signal = AbortSignal.any([request.signal, timeout.signal]);
      const response = await options.fetch(new Request(request, { headers, signal }));
      return { response, body: await response.text() };
    } catch (error) {
      if (request.signal.aborted) throw new WorkflowsAbortError(summary, request.signal.reason);
      if (timeout.signal.aborted) return { error: new WorkflowsTimeoutError(summary, options.timeoutMs) };
      const reason = error instanceof Error ? describeNetworkError(error) : String(error);
      return { error: new WorkflowsConnectionError(summary, reason, { cause: error }) };
    } finally {
      clearTimeout(timer);
    }
  }

  function backoff(attempt: number): number {
    const ceiling = Math.min(options.retryMaxDelayMs, options.retryBaseDelayMs * 2 ** attempt);
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  return async function send(request: Request): Promise<Response> {
    const summary = { method: request.method, url: request.url };
    for (let attempt = 0; ; attempt++) {
      if (request.signal.aborted) throw new WorkflowsAbortError(summary, request.signal.reason);
      const result = await attemptOnce(request, summary);
      const canRetry = attempt < options.maxRetries;
      if ("error" in result) {
        if (!canRetry) throw result.error;
        await sleep(backoff(attempt), request.signal, summary);
        continue;
      }
      const { response, body } = result;
      if (isRetryable(response.status) && canRetry) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        // A wait longer than the cap is the caller's decision: surface the error with retryAfterMs.
        if (retryAfter === undefined || retryAfter <= options.maxRetryAfterMs) {
          await sleep(retryAfter ?? backoff(attempt), request.signal, summary);
          continue;
        }
      }
      const replay = new Response(NULL_BODY_STATUSES.has(response.status) ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      // A constructed Response has an empty url; errors need the one this request went to.
      Object.defineProperty(replay, "url", { value: summary.url });
      return replay;
    }
  };
}

function describeNetworkError(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message} (${detail})` : error.message;
}
