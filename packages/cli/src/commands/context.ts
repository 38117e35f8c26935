import type { Writable } from "node:stream";
import type { WorkflowsClient } from "@workflows-kit/client";
import type { Output } from "../output.js";

/** What a command runs with: the client, stdout behind backpressure, stderr for progress. */
export interface CommandContext {
  client: WorkflowsClient;
  output: Output;
  stderr: Writable;
  /** stderr is a terminal: show progress of full walks. */
  tty: boolean;
}
