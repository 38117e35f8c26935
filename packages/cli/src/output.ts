import type { Writable } from "node:stream";
import { InterruptedError, OutputError } from "./errors.js";

/**
 * stdout with backpressure and error capture: `write` waits for 'drain' when the stream's buffer
 * is full (so a streamed walk never piles up in memory) and throws OutputError once the stream
 * failed, e.g. with EPIPE after `| head` closed the pipe. A `signal` (Ctrl-C) ends a wait for 'drain'
 * with InterruptedError: a reader that stopped reading must not keep an interrupted run alive.
 */
export class Output {
  #failure: (Error & { code?: string }) | undefined;
  #lastWrite: Promise<void> = Promise.resolve();
  readonly #stream: Writable;
  readonly #signal: AbortSignal | undefined;
  // Without a listener an EPIPE 'error' event would crash the process.
  readonly #onError = (error: Error) => {
    this.#failure ??= error;
  };

  constructor(stream: Writable, signal?: AbortSignal) {
    this.#stream = stream;
    this.#signal = signal;
    stream.on("error", this.#onError);
  }

  async write(chunk: string): Promise<void> {
    this.#throwIfFailed();
    if (chunk === "") return;
    let accepted = true;
    this.#lastWrite = new Promise((resolve) => {
      accepted = this.#stream.write(chunk, (error) => {
        if (error) this.#failure ??= error;
        resolve();
      });
    });
    if (!accepted) await this.#drained();
    this.#throwIfFailed();
    if (this.#signal?.aborted) throw new InterruptedError();
  }

  /** Waits until everything written has been handed to the OS; throws if any of it failed. */
  async flush(): Promise<void> {
    await this.#written();
    this.#throwIfFailed();
    if (this.#signal?.aborted) throw new InterruptedError();
  }

  /** Waits for pending writes, then stops listening; never throws (used on the way out of a failure). */
  async detach(): Promise<void> {
    await this.#written();
    this.#stream.off("error", this.#onError);
  }

  /** The last write handed over, or the run interrupted (a stalled reader may never take it). */
  #written(): Promise<void> {
    const signal = this.#signal;
    if (!signal) return this.#lastWrite;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      void this.#lastWrite.then(done);
    });
  }

  #drained(): Promise<void> {
    const stream = this.#stream;
    const signal = this.#signal;
    return new Promise<void>((resolve) => {
      const done = () => {
        stream.off("drain", done);
        stream.off("close", done);
        stream.off("error", done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      stream.on("drain", done);
      stream.on("close", done);
      stream.on("error", done);
      signal?.addEventListener("abort", done, { once: true });
    }).then(() => {
      // Closed without an error event (destroyed by its owner): the reader is gone all the same.
      if (!this.#failure && this.#stream.destroyed) {
        this.#failure = Object.assign(new Error("stdout was closed"), { code: "ERR_STREAM_DESTROYED" });
      }
    });
  }

  #throwIfFailed(): void {
    if (this.#failure) throw new OutputError(this.#failure);
  }
}
