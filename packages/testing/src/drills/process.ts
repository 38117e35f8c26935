// Processes for drills: a bin (or pnpm, or a driver script) started in a process group of its own,
// its output kept as lines and waited on, never slept on; signalled as a terminal's Ctrl-C signals
// (the whole group); killed by a hard timeout or `killLeftovers()`, so nothing outlives a drill.
import { type ChildProcess, spawn } from "node:child_process";
import { Writable } from "node:stream";

/** How long `waitFor` waits for a line by default: generous, for a loaded 2-core machine. */
export const LINE_WITHIN_MS = 20_000;
/** How long a started process may live by default before its group is killed. */
const HARD_TIMEOUT_MS = 120_000;

/** A line to wait for: a RegExp, or a predicate on the line's text (see `jsonLine`). */
export type LinePattern = RegExp | ((line: string) => boolean);

export interface LineMatch {
  /** Its index in `lines`. */
  index: number;
  line: string;
  /** For a RegExp, its match: `[whole, ...groups]`; for a predicate, `[line]`. */
  groups: string[];
}

export interface WaitOptions {
  /** Only lines from this index on. Default 0: a line printed before the call counts. */
  from?: number;
  /** Rejects after this long. Default LINE_WITHIN_MS. */
  withinMs?: number;
  /** What is awaited, for the error message. Default: the pattern. */
  what?: string;
}

/** A predicate on JSON lines (a line that is not JSON does not match). */
export const jsonLine =
  (match: (line: Record<string, unknown>) => boolean) =>
  (line: string): boolean => {
    try {
      return match(JSON.parse(line) as Record<string, unknown>);
    } catch {
      return false;
    }
  };

/** Text arriving in chunks (a child's stdout, an in-process Writable), kept as complete lines and waited on. */
export class Lines {
  readonly lines: string[] = [];
  #text = "";
  #partial = "";
  #ended = false;
  readonly #changed = new Set<() => void>();

  /** Everything received so far, as received. */
  get text(): string {
    return this.#text;
  }

  feed(chunk: string): void {
    this.#text += chunk;
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    this.lines.push(...parts.filter((line) => line !== ""));
    for (const notify of this.#changed) notify();
  }

  /** The stream is over: an unterminated last line counts, and waits for lines that cannot come reject. */
  end(): void {
    if (this.#partial !== "") this.lines.push(this.#partial);
    this.#partial = "";
    this.#ended = true;
    for (const notify of this.#changed) notify();
  }

  /** Every line parsed as JSON (throws on a line that is not). */
  json(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Resolves with the first line from `from` on that matches, printed already or to come. */
  waitFor(pattern: LinePattern, options: WaitOptions = {}): Promise<LineMatch> {
    const { from = 0, withinMs = LINE_WITHIN_MS, what = String(pattern) } = options;
    return new Promise((resolve, reject) => {
      let checked = from;
      const fail = (why: string) => new Error(`${why}; lines so far:\n${this.lines.join("\n")}`);
      const check = () => {
        for (; checked < this.lines.length; checked++) {
          const line = this.lines[checked] as string;
          const groups = typeof pattern === "function" ? (pattern(line) ? [line] : null) : pattern.exec(line);
          if (groups) {
            stop();
            return resolve({ index: checked, line, groups: [...groups] });
          }
        }
        if (this.#ended) {
          stop();
          reject(fail(`the output ended without a line matching ${what}`));
        }
      };
      const timer = setTimeout(() => {
        stop();
        reject(fail(`no line matching ${what} within ${withinMs} ms`));
      }, withinMs);
      const stop = () => {
        clearTimeout(timer);
        this.#changed.delete(check);
      };
      this.#changed.add(check);
      check();
    });
  }

  /** A Writable that feeds these lines (for code run in-process). */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.feed(chunk.toString("utf8"));
        callback();
      },
      final: (callback) => {
        this.end();
        callback();
      },
    });
  }
}

export interface ProcessOptions {
  cwd?: string | undefined;
  /** Set in the child's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined> | undefined;
  /**
   * Start from this process's environment (true) or from PATH alone (false, the default: nothing of
   * the test runner's environment, such as WORKFLOWS_*, leaks into the child).
   */
  inheritEnv?: boolean | undefined;
  /** SIGKILL to the whole group after this long: a hung process fails the drill instead of hanging it. Default 120 s. */
  hardTimeoutMs?: number | undefined;
}

export interface ProcessExit {
  code: number | null;
  /** The signal that ended it (SIGKILL when the hard timeout did). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** performance.now() of the spawn, of the first complete stdout line, of the last output, and of the exit. */
  startedAt: number;
  firstLineAt: number | undefined;
  lastOutputAt: number;
  exitedAt: number;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly stdout: Lines;
  readonly stderr: Lines;
  /** Resolves once the process exited and its output ended, whatever the exit code; rejects if it could not start. */
  readonly exited: Promise<ProcessExit>;
  /** Sends `signal` to the process's whole group, as a terminal's Ctrl-C does; nothing once it is gone. */
  signal(signal: NodeJS.Signals): void;
}

const running = new Set<RunningProcess>();

/** Starts `command args` in a process group of its own, stdin closed, stdout and stderr kept as lines. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions = {},
): RunningProcess {
  const startedAt = performance.now();
  const base = options.inheritEnv ? process.env : { PATH: process.env.PATH ?? "" };
  const child = spawn(command, args, {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...base, ...options.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout = new Lines();
  const stderr = new Lines();
  let firstLineAt: number | undefined;
  let lastOutputAt = startedAt;
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout.feed(chunk);
    lastOutputAt = performance.now();
    if (firstLineAt === undefined && stdout.text.includes("\n")) firstLineAt = lastOutputAt;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr.feed(chunk);
    lastOutputAt = performance.now();
  });
  let closed = false;
  const signal = (name: NodeJS.Signals) => {
    // After `close` the group may be gone and its id reused; before it, pnpm's children may outlive pnpm.
    if (child.pid === undefined || closed) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // The group is gone already.
    }
  };
  const killer = setTimeout(() => signal("SIGKILL"), options.hardTimeoutMs ?? HARD_TIMEOUT_MS);
  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.once("close", (code, exitSignal) => {
      closed = true;
      clearTimeout(killer);
      resolve({
        code,
        signal: exitSignal,
        stdout: stdout.text,
        stderr: stderr.text,
        startedAt,
        firstLineAt,
        lastOutputAt,
        exitedAt: performance.now(),
      });
    });
  }).finally(() => {
    stdout.end();
    stderr.end();
    running.delete(started);
  });
  exited.catch(() => {}); // A drill that only waits for lines must not see an unhandled rejection.
  const started: RunningProcess = { child, stdout, stderr, exited, signal };
  running.add(started);
  return started;
}

/** Kills (SIGKILL, whole groups) every process a drill started that is still running: for afterEach/afterAll. */
export function killLeftovers(): void {
  for (const leftover of running) leftover.signal("SIGKILL");
}
