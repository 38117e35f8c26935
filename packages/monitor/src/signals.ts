import { constants } from "node:os";

/** The part of `process` that signal handling needs; a fake in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * The first SIGINT/SIGTERM aborts the returned signal (reason: the signal's name), so the monitor
 * stops and writes its checkpoint; a second one while it is stopping calls `exit(128 + number)`
 * (130, 143): the way out when stopping hangs (a stuck disk).
 */
export function stopOnSignals(
  source: SignalSource,
  exit: (code: number) => void,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const listener = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) exit(128 + constants.signals[signal]);
    else controller.abort(signal);
  };
  for (const name of STOP_SIGNALS) source.on(name, listener);
  return {
    signal: controller.signal,
    /** Restores the default handling (a later signal kills the process). */
    dispose: () => {
      for (const name of STOP_SIGNALS) source.off(name, listener);
    },
  };
}
