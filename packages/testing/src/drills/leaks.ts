import { createHook } from "node:async_hooks";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

/** Resource types that keep a process alive: timers, sockets, servers, pipes, DNS and other requests. */
const TRACKED = new Set([
  "Timeout",
  "Immediate",
  "TCPWRAP",
  "TCPSERVERWRAP",
  "TCPCONNECTWRAP",
  "PIPEWRAP",
  "GETADDRINFOREQWRAP",
  "FSREQCALLBACK",
  "SHUTDOWNWRAP",
  "WRITEWRAP",
]);

interface Live {
  type: string;
  resource: { hasRef?: () => boolean; _destroyed?: boolean };
}

/**
 * Whether a resource still keeps the event loop alive. Closed handles report `hasRef() === false`
 * before their `destroy` arrives; a cleared or fired timer is marked `_destroyed` (a Node timers
 * internal) at once.
 */
const keepsAlive = ({ resource }: Live) =>
  resource._destroyed !== true && (typeof resource.hasRef !== "function" || resource.hasRef());

/**
 * Records every timer, socket and server created from now on (an async hook), so a drill can check
 * that none of them outlives it. Counting `process.getActiveResourcesInfo()` before and after is
 * not enough in a vitest worker: the runner's own short timers come and go and blur the count.
 */
export function trackResources() {
  const live = new Map<number, Live>();
  let recording = true;
  const hook = createHook({
    init(asyncId, type, _triggerAsyncId, resource) {
      if (recording && TRACKED.has(type)) live.set(asyncId, { type, resource: resource as Live["resource"] });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  /** The tracked resources still alive that keep the event loop running (unref'ed ones do not). */
  const remaining = () =>
    [...live.values()]
      .filter(keepsAlive)
      .map(({ type }) => type)
      .sort();
  return {
    /**
     * Stops recording and asserts that every resource recorded is gone: polls (every 20 ms, 3 s at
     * most, so a socket that is closing has time to close) before it fails, naming the kinds left.
     */
    async expectNoneLeft(): Promise<void> {
      // Stop recording (the poll's own timers do not count) but keep listening for destroys.
      recording = false;
      const deadline = performance.now() + 3_000;
      while (remaining().length > 0 && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const left = remaining();
      hook.disable();
      expect(left, "timers, sockets or servers left behind").toEqual([]);
    },
    stop(): void {
      hook.disable();
    },
  };
}

/**
 * Collects unhandled rejections and uncaught exceptions during the file's tests and fails the
 * test in which they happened (vitest would also fail the run, but not name the test).
 */
export function failOnUnhandled(): void {
  const caught: unknown[] = [];
  const onError = (error: unknown) => {
    caught.push(error);
  };
  beforeAll(() => {
    process.on("unhandledRejection", onError);
    process.on("uncaughtException", onError);
  });
  afterAll(() => {
    process.off("unhandledRejection", onError);
    process.off("uncaughtException", onError);
  });
  afterEach(async () => {
    // A rejection is reported as unhandled only after the microtask queue drains.
    await new Promise((resolve) => setImmediate(resolve));
    expect(caught.splice(0).map(String), "unhandled rejections or uncaught exceptions").toEqual([]);
  });
}

/** Runs `body`, then asserts that no timer, socket or server it created is still alive. */
export async function withoutLeaks<T>(body: () => Promise<T>): Promise<T> {
  const resources = trackResources();
  try {
    const result = await body();
    await resources.expectNoneLeft();
    return result;
  } finally {
    resources.stop();
  }
}
