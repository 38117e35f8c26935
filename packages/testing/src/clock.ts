/**
 * A virtual clock: the `clock` seam of the client (`now`, `setTimeout`, `clearTimeout`) on time
 * that moves only when the test says so. Backoff, `Retry-After` and timeouts are asserted on it
 * exactly (every timer is recorded with the delay asked for), never on wall time.
 */

export interface TimerRecord {
  readonly id: number;
  /** The delay asked for, in milliseconds. */
  readonly ms: number;
  /** Virtual time when it was set. */
  readonly setAt: number;
  /** Virtual time when it fires (Node's rules: a delay below 1 or above 2^31-1 ms is 1 ms). */
  readonly dueAt: number;
  state: "pending" | "fired" | "cleared";
}

export interface VirtualClock {
  /** Virtual milliseconds since the epoch (starts at `start`). */
  now(): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(handle: unknown): void;
  /** Every timer set so far, in the order they were set. */
  readonly timers: readonly TimerRecord[];
  /** The timers still to fire, the next one first. */
  pending(): TimerRecord[];
  /** Resolves once a pending timer matches (at once if one does already): wait on this event. */
  timerSet(match?: (timer: TimerRecord) => boolean): Promise<TimerRecord>;
  /** Lets every promise chain that can move on do so; no time passes. */
  flush(): Promise<void>;
  /** Moves time forward by `ms`, firing the timers due on the way in order. */
  advance(ms: number): Promise<void>;
  /**
   * Settles `promise`: whenever nothing else can happen, moves time to the next timer and fires it.
   * Throws if the promise waits on something no timer will bring (it would hang otherwise).
   */
  run<T>(promise: Promise<T>): Promise<T>;
}

/** 2021-06-30T03:20:39Z: a whole second, so `Retry-After` HTTP dates give exact waits. */
export const VIRTUAL_EPOCH = Date.UTC(2021, 5, 30, 3, 20, 39);
const MAX_DELAY_MS = 2_147_483_647;
const MAX_RUN_STEPS = 10_000;
// Macrotask turns per flush: undici's body streams settle within one; the rest is margin.
const FLUSH_TURNS = 3;

export function createVirtualClock(start = VIRTUAL_EPOCH): VirtualClock {
  let now = start;
  const timers: TimerRecord[] = [];
  const callbacks = new Map<number, () => void>();
  const watchers: { match: (timer: TimerRecord) => boolean; resolve: (timer: TimerRecord) => void }[] = [];

  const pending = () =>
    timers.filter((t) => t.state === "pending").sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);

  function fire(timer: TimerRecord): void {
    now = Math.max(now, timer.dueAt);
    timer.state = "fired";
    const callback = callbacks.get(timer.id);
    callbacks.delete(timer.id);
    callback?.();
  }

  async function flush(): Promise<void> {
    for (let turn = 0; turn < FLUSH_TURNS; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  return {
    now: () => now,
    timers,
    pending,
    flush,
    setTimeout(fn, ms) {
      const delay = ms >= 1 && ms <= MAX_DELAY_MS ? ms : 1;
      const timer: TimerRecord = {
        id: timers.length + 1,
        ms,
        setAt: now,
        dueAt: now + delay,
        state: "pending",
      };
      timers.push(timer);
      callbacks.set(timer.id, fn);
      for (const watcher of watchers.filter((w) => w.match(timer))) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(timer);
      }
      return timer.id;
    },
    clearTimeout(handle) {
      const timer = timers[Number(handle) - 1];
      if (timer?.state !== "pending") return;
      timer.state = "cleared";
      callbacks.delete(timer.id);
    },
    timerSet(match = () => true) {
      const found = pending().find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => watchers.push({ match, resolve }));
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await flush();
        const next = pending()[0];
        if (!next || next.dueAt > target) break;
        fire(next);
      }
      now = target;
      await flush();
    },
    async run(promise) {
      let settled = false;
      promise.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      for (let step = 0; step < MAX_RUN_STEPS; step++) {
        await flush();
        if (settled) return promise;
        const next = pending()[0];
        if (!next) {
          throw new Error(
            "clock.run(): the promise is still pending and no timer is set: it waits on something the clock does not drive",
          );
        }
        fire(next);
      }
      throw new Error(`clock.run(): still pending after ${MAX_RUN_STEPS} timers`);
    },
  };
}
