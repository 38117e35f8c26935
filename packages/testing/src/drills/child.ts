// Runs a drill in a child Node process (a driver script, or a package's bin) and reports how and when
// it ended, so a drill can check that the process exits by itself soon after its work is done: a
// timer or socket left behind would keep it alive. A hard timeout kills a child that hangs.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";

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

/** How a process started with `startChild` ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A process a drill acts on while it runs: it waits on its output, signals it, closes its stdout. */
export interface RunningChild {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits before. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<ChildExit>;
}

export interface StartChildOptions {
  cwd?: string;
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /** SIGKILL after this long (a bound for a hung child, not an expectation). */
  hardTimeoutMs: number;
  /** Closes the child's stdout once this many characters arrived, as `| head -c` does. */
  stopAfter?: number;
}

/** `command ...args` as a child the drill interacts with, synchronised on its output. */
export function startChild(command: string, args: string[], options: StartChildOptions): RunningChild {
  const child = spawn(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    if (options.stopAfter !== undefined && stdout.length >= options.stopAfter) child.stdout.destroy();
    for (const watcher of watchers) watcher();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), options.hardTimeoutMs);
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (!match) return;
          watchers.delete(check);
          resolve(match);
        };
        watchers.add(check);
        check();
        void exited.then(({ code, signal }) =>
          reject(new Error(`exited (${code ?? signal}) before printing ${pattern}:\n${stdout}\n${stderr}`)),
        );
      }),
  };
}
