/**
 * `sleep(ms, signal?)` on the virtual clock, for code whose time seam is `{ now, sleep }` (the
 * monitor's `Clock`, the conformance probe's `sleep`) rather than the client's timers. Each sleep is
 * one of the clock's timers, so `timerSet`, `pending`, `advance` and `run` see and drive it, and the
 * same object serves as the client's `clock` too: one virtual time for both.
 */
import type { VirtualClock } from "./clock.js";

/** The `{ now, sleep }` time seam. */
export interface SleepClock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts (and clears its timer). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type SleepingVirtualClock = VirtualClock & SleepClock;

/** `clock` with an abortable `sleep` on its timers. */
export function withSleep(clock: VirtualClock): SleepingVirtualClock {
  return {
    ...clock,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          clock.clearTimeout(timer);
          reject(signal?.reason);
        };
        const timer = clock.setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}
