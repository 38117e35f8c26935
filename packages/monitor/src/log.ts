import type { Writable } from "node:stream";
import type { Clock } from "./clock.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** A structured event: `event` names it (`poll_failed`, …); fields carry its data, never the API key. */
export type Logger = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

/** A logger that drops everything. */
export const silentLogger: Logger = () => {};

/**
 * One JSON object per line: `{"time","level","event",...fields}`, on `stream` (stderr).
 * `debug` lines (one per poll cycle) only with `verbose`. A failing stream is ignored: logs must
 * not stop the monitor.
 */
export function jsonLogger(stream: Writable, clock: Clock, verbose = false): Logger & { close(): void } {
  const ignore = () => {};
  stream.on("error", ignore);
  const log: Logger = (level, event, fields = {}) => {
    if (level === "debug" && !verbose) return;
    const time = new Date(clock.now()).toISOString();
    stream.write(`${JSON.stringify({ time, level, event, ...fields })}\n`);
  };
  return Object.assign(log, { close: () => void stream.off("error", ignore) });
}
