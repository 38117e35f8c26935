import { Writable } from "node:stream";
import { createVirtualClock, type VirtualClock, withSleep } from "@workflows-kit/testing";
import { run } from "../../src/index.js";
import { MEMORY_URL } from "./providers.js";

/** A distinctive key, so a test can prove it never appears in any output. */
export const API_KEY = "sk-test-9f8e7d6c5b4a-SECRET";

/** A Writable that keeps everything written to it. */
export class Capture extends Writable {
  readonly chunks: string[] = [];
  get text(): string {
    return this.chunks.join("");
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString("utf8"));
    callback();
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to (or, with undefined, removed from) the default env: the test key and `baseUrl`. */
  env?: Record<string, string | undefined>;
  /** WORKFLOWS_BASE_URL; with `fetch`, default MEMORY_URL. */
  baseUrl?: string;
  isTTY?: boolean;
  stdout?: Writable;
  /**
   * In memory: the fetch that answers (the provider's, or an observed one), on a virtual clock
   * (default: a new one; also the probe's sleep) and zero jitter. Without it the run uses the network and real time (drills).
   */
  fetch?: typeof globalThis.fetch;
  clock?: VirtualClock;
  signal?: AbortSignal;
  /** Whether the clock jumps from timer to timer until the run ends (default true with `fetch`). */
  drive?: boolean;
}

/** `workflows ...args` in-process, with stdout and stderr captured. */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const stdout = options.stdout ?? new Capture();
  const stderr = new Capture();
  const baseUrl = options.baseUrl ?? (options.fetch ? MEMORY_URL : undefined);
  const env = {
    WORKFLOWS_API_KEY: API_KEY,
    ...(baseUrl ? { WORKFLOWS_BASE_URL: baseUrl } : {}),
    ...options.env,
  };
  // One virtual time for the client's timers and the probe's waits.
  const clock = options.fetch ? withSleep(options.clock ?? createVirtualClock()) : undefined;
  const running = run(args, {
    env,
    stdout,
    stderr,
    isTTY: options.isTTY ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.fetch && clock ? { fetch: options.fetch, clock, sleep: clock.sleep, random: () => 0 } : {}),
  });
  const code = await (clock && options.drive !== false ? clock.run(running) : running);
  return { code, stdout: stdout instanceof Capture ? stdout.text : "", stderr: stderr.text };
}
