import type { Writable } from "node:stream";
import type { WorkflowInstance } from "@workflows-kit/client";

/** One NDJSON line on stdout, and the body of a webhook POST. */
export interface TerminatedAlert {
  type: "workflow.terminated";
  accountId: string;
  /** The definition as watched (`--definition`). */
  definitionId: string;
  version: number;
  workflowId: string;
  /** The API's strings, unchanged (up to 7 fractional digits). */
  startedAt: string;
  completedAt: string | null;
  /** When this monitor first saw it terminated (its clock, millisecond precision). */
  detectedAt: string;
}

/** The alert for a terminated instance. `data` is left out: it holds user payloads, and alerts travel to chat tools. */
export function toAlert(
  accountId: string,
  definitionId: string,
  instance: WorkflowInstance,
  detectedAt: string,
): TerminatedAlert {
  return {
    type: "workflow.terminated",
    accountId,
    definitionId,
    version: instance.version,
    workflowId: instance.workflowId,
    startedAt: instance.startedAt,
    completedAt: instance.completedAt,
    detectedAt,
  };
}

/** Somewhere alerts go. An alert counts as reported once every sink has taken it. */
export interface AlertSink {
  /** Resolves once the alert is delivered; rejects with DeliveryError when it could not be, for now. */
  deliver(alert: TerminatedAlert, signal?: AbortSignal): Promise<void>;
}

/** A sink could not deliver, for a reason that may pass (its target is down): the alert stays pending. */
export class DeliveryError extends Error {
  override name = "DeliveryError";
}

/** Writing to stdout failed (the reader went away, the disk is full). */
export class OutputError extends Error {
  override name = "OutputError";
  readonly code: string | undefined;
  constructor(cause: Error & { code?: string }) {
    super(`cannot write to stdout: ${cause.message}`, { cause });
    this.code = cause.code;
  }
}

/**
 * Alerts as NDJSON lines on a stream (stdout). `deliver` resolves once the stream took the line,
 * so a slow reader slows the monitor down instead of piling lines up in memory.
 */
export function ndjsonSink(stream: Writable): AlertSink & { close(): void } {
  let failure: (Error & { code?: string }) | undefined;
  // Without a listener an EPIPE 'error' event would crash the process.
  const onError = (error: Error) => {
    failure ??= error;
  };
  stream.on("error", onError);
  return {
    deliver(alert) {
      if (failure) return Promise.reject(new OutputError(failure));
      return new Promise((resolve, reject) => {
        stream.write(`${JSON.stringify(alert)}\n`, (error) => {
          if (error) failure ??= error;
          if (failure) reject(new OutputError(failure));
          else resolve();
        });
      });
    },
    close: () => {
      stream.off("error", onError);
    },
  };
}
