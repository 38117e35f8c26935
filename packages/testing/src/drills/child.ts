// Runs a drill in a child Node process (a driver script, or a package's bin) and reports how and when
// it ended, so a drill can check that the process exits by itself soon after its work is done: a
// timer or socket left behind would keep it alive. A hard timeout kills a child that hangs.
import { type ProcessExit, startProcess } from "./process.js";

/** How the child ended: code, signal (set when the hard timeout killed it), output and timings. */
export type ChildResult = ProcessExit;

export interface ChildOptions {
  cwd?: string;
  /** The child's whole environment (PATH is added). */
  env: Record<string, string>;
  /** SIGKILL after this long. */
  hardTimeoutMs: number;
}

/** `node ...args`: resolves once the process closed, whatever its exit code. */
export function runChild(args: string[], options: ChildOptions): Promise<ChildResult> {
  return startProcess(process.execPath, args, options).exited;
}
