import { setTimeout as delay } from "node:timers/promises";
import type { Clock as ClientClock } from "@workflows-kit/client";

/** Time as the monitor sees it: injected in tests, so poll cycles and backoff run on a virtual clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// setTimeout fires at once above 2^31-1 ms: no wait may be longer.
export const MAX_DELAY_MS = 2_147_483_647;

/** The machine's clock and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    signal?.throwIfAborted();
    await delay(Math.min(Math.max(0, ms), MAX_DELAY_MS), undefined, signal ? { signal } : {}).catch(
      (error: unknown) => {
        throw signal?.aborted ? signal.reason : error;
      },
    );
  },
};

/**
 * The client's clock seam (`now`, `setTimeout`, `clearTimeout`) on a monitor `Clock`, so one injected
 * clock also times the client's attempt timeouts, backoff and `Retry-After` waits.
 */
export function clientClockOf(clock: Clock): ClientClock {
  return {
    now: () => clock.now(),
    setTimeout(fn, ms) {
      const timer = new AbortController();
      clock.sleep(ms, timer.signal).then(fn, () => {});
      return timer;
    },
    clearTimeout: (timer) => {
      if (timer instanceof AbortController) timer.abort();
    },
  };
}

/**
 * Exponential backoff with equal jitter: step `n` (1 for the first failure) waits between half and
 * all of `min(max, base · 2ⁿ)`, so clients that failed together do not retry together.
 */
export function backoffMs(step: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** step);
  return ceiling / 2 + (random() * ceiling) / 2;
}
