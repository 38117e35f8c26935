// Runs a drill in a child Node process (a driver script, or a package's bin) and reports how and when
// it ended, so a drill can check that the process exits by itself soon after its work is done: a
// timer or socket left behind would keep it alive. A hard timeout kills a child that hangs.
import { spawn } from "node:child_process";

export interface ChildResult {
  code: number | null;
  /** Set when the hard timeout killed the child. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** performance.now() of the spawn, of the first complete stdout line, of the last output, and of the exit. */
  startedAt: number;
  firstLineAt: number | undefined;
  lastOutputAt: number;
  exitedAt: number;
}

export interface ChildOptions {
  cwd?: string;
  /** The child's whole environment (PATH is added). */
  env: Record<string, string>;
  /** SIGKILL after this long. */
  hardTimeoutMs: number;
}

/** `node ...args`: resolves once the process closed, whatever its exit code. */
export function runChild(args: string[], options: ChildOptions): Promise<ChildResult> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let firstLineAt: number | undefined;
  let lastOutputAt = startedAt;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    lastOutputAt = performance.now();
    if (firstLineAt === undefined && stdout.includes("\n")) firstLineAt = lastOutputAt;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    lastOutputAt = performance.now();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), options.hardTimeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        startedAt,
        firstLineAt,
        lastOutputAt,
        exitedAt: performance.now(),
      });
    });
  });
}
