import type { Writable } from "node:stream";
import type { CallOptions, WorkflowsClient } from "@workflows-kit/client";
import type { Output } from "../output.js";

/** What a command runs with: the client, stdout behind backpressure, stderr for progress. */
export interface CommandContext {
  client: WorkflowsClient;
  output: Output;
  stderr: Writable;
  /** stderr is a terminal: show progress of full walks. */
  tty: boolean;
  /** Per-call options of every request: the run's signal (Ctrl-C). */
  call: CallOptions;
}
