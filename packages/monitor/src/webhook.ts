import { type AlertSink, DeliveryError, type TerminatedAlert } from "./alert.js";
import { backoffMs, type Clock, MAX_DELAY_MS, systemClock } from "./clock.js";

export interface WebhookOptions {
  /** Absolute http(s) URL the alerts are POSTed to. Treated as a secret: only its origin is ever shown. */
  url: string;
  /** Default: globalThis.fetch. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Bound on each attempt, response headers included. Default 10 000 ms. */
  timeoutMs?: number | undefined;
  /** Retries after a network failure, a timeout, 408, 429 or 5xx. Default 3. */
  retries?: number | undefined;
  /** First backoff step; doubles per retry, with jitter. Default 1 000 ms. */
  retryBaseDelayMs?: number | undefined;
  /** Longest backoff step, and longest `Retry-After` honoured. Default 30 000 ms. */
  retryMaxDelayMs?: number | undefined;
  clock?: Clock | undefined;
  random?: (() => number) | undefined;
}

/** The webhook did not take an alert after its retries. Carries the origin only: the path may hold a token. */
export class WebhookError extends DeliveryError {
  override name = "WebhookError";
  constructor(
    /** `https://hooks.example.com`: the URL's origin, never its path or query. */
    readonly target: string,
    /** The last response's status; undefined when the last attempt got none (network, timeout). */
    readonly status: number | undefined,
    /** Attempts made, 1 = no retry. */
    readonly attempts: number,
    reason: string,
  ) {
    super(`POST ${target}/…: ${reason} (${attempts} attempt${attempts === 1 ? "" : "s"})`);
  }
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

type Attempt = { status: number; retryAfter: string | null } | { failure: string };

/**
 * POSTs each alert as JSON (`Idempotency-Key: <workflowId>`, so a receiver can drop the repeat of
 * an attempt that timed out after it was processed), retrying what may pass with backoff.
 */
export function webhookSink(options: WebhookOptions): AlertSink {
  const target = new URL(options.url).origin;
  const send = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  const baseMs = options.retryBaseDelayMs ?? 1_000;
  const maxMs = options.retryMaxDelayMs ?? 30_000;

  async function attempt(alert: TerminatedAlert, signal: AbortSignal | undefined): Promise<Attempt> {
    const controller = new AbortController();
    const timer = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    clock.sleep(timeoutMs, timer.signal).then(
      () => {
        timedOut = true;
        controller.abort();
      },
      () => {},
    );
    try {
      const response = await send(options.url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": alert.workflowId },
        body: JSON.stringify(alert),
        signal: controller.signal,
      });
      // The body is not needed; cancelling it frees the connection.
      await response.body?.cancel();
      return { status: response.status, retryAfter: response.headers.get("retry-after") };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) return { failure: `no answer within ${timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { failure: `${(error as Error).message}${cause ? ` (${cause})` : ""}` };
    } finally {
      timer.abort();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  return {
    async deliver(alert, signal) {
      for (let made = 1; ; made++) {
        const result = await attempt(alert, signal);
        if ("status" in result && result.status >= 200 && result.status < 300) return;
        const retryable = "failure" in result || RETRYABLE(result.status);
        if (!retryable || made > retries) {
          const [status, reason] =
            "failure" in result ? [undefined, result.failure] : [result.status, `answered ${result.status}`];
          throw new WebhookError(target, status, made, reason);
        }
        const asked = "status" in result ? retryAfterMs(result.retryAfter, clock.now()) : undefined;
        const wait =
          asked === undefined ? backoffMs(made - 1, baseMs, maxMs, random) : Math.min(asked, maxMs);
        await clock.sleep(Math.min(wait, MAX_DELAY_MS), signal);
      }
    },
  };
}
