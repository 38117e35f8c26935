// A virtual clock: time moves only when the test says so, and the test can see what the monitor
// waits for. (To be replaced by @workflows-kit/testing's virtual clock once that package exists.)
import type { Clock } from "../../src/index.js";

interface Sleeper {
  ms: number;
  at: number;
  wake: () => void;
}

export class VirtualClock implements Clock {
  #now: number;
  readonly #sleepers = new Set<Sleeper>();
  #onSleep: (() => void) | undefined;

  constructor(start = Date.parse("2021-07-01T00:00:00Z")) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        ms,
        at: this.#now + ms,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers.delete(sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#sleepers.add(sleeper);
      this.#onSleep?.();
    });
  }

  /** The waits pending now, in ms as asked, oldest first. */
  get pending(): number[] {
    return [...this.#sleepers].map((s) => s.ms);
  }

  /**
   * Resolves with the wait asked for once something sleeps (at once if something already does);
   * with `which`, once a wait it accepts is pending (e.g. a backoff, not an attempt's timeout).
   */
  async sleeping(which: (ms: number) => boolean = () => true): Promise<number> {
    for (;;) {
      const found = [...this.#sleepers].reverse().find((s) => which(s.ms));
      if (found) return found.ms;
      await new Promise<void>((resolve) => {
        this.#onSleep = resolve;
      });
    }
  }

  /** Moves time forward, waking every sleeper that is due. */
  advance(ms: number): void {
    this.#now += ms;
    for (const sleeper of [...this.#sleepers].sort((a, b) => a.at - b.at)) {
      if (sleeper.at > this.#now) continue;
      this.#sleepers.delete(sleeper);
      sleeper.wake();
    }
  }

  /** Sets the time (forward or back) without waking anyone: a wall clock that jumped. */
  set(ms: number): void {
    this.#now = ms;
  }
}
