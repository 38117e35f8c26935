import { Writable } from "node:stream";
import { run } from "../../src/index.js";

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
  baseUrl?: string;
  isTTY?: boolean;
  stdout?: Writable;
}

/** `workflows ...args` in-process, with stdout and stderr captured. */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const stdout = options.stdout ?? new Capture();
  const stderr = new Capture();
  const env = {
    WORKFLOWS_API_KEY: API_KEY,
    ...(options.baseUrl ? { WORKFLOWS_BASE_URL: options.baseUrl } : {}),
    ...options.env,
  };
  const code = await run(args, { env, stdout, stderr, isTTY: options.isTTY ?? false });
  return { code, stdout: stdout instanceof Capture ? stdout.text : "", stderr: stderr.text };
}
