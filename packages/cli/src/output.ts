import type { Writable } from "node:stream";
import { OutputError } from "./errors.js";

/**
 * stdout with backpressure and error capture: `write` waits for 'drain' when the stream's buffer
 * is full (so a streamed walk never piles up in memory) and throws OutputError once the stream
 * failed, e.g. with EPIPE after `| head` closed the pipe.
 */
export class Output {
  #failure: (Error & { code?: string }) | undefined;
  #lastWrite: Promise<void> = Promise.resolve();
  readonly #stream: Writable;
  // Without a listener an EPIPE 'error' event would crash the process.
  readonly #onError = (error: Error) => {
    this.#failure ??= error;
  };

  constructor(stream: Writable) {
    this.#stream = stream;
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
  }

  /** Waits until everything written has been handed to the OS; throws if any of it failed. */
  async flush(): Promise<void> {
    await this.#lastWrite;
    this.#throwIfFailed();
  }

  /** Waits for pending writes, then stops listening; never throws (used on the way out of a failure). */
  async detach(): Promise<void> {
    await this.#lastWrite;
    this.#stream.off("error", this.#onError);
  }

  #drained(): Promise<void> {
    const stream = this.#stream;
    return new Promise<void>((resolve) => {
      const done = () => {
        stream.off("drain", done);
        stream.off("close", done);
        stream.off("error", done);
        resolve();
      };
      stream.on("drain", done);
      stream.on("close", done);
      stream.on("error", done);
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
