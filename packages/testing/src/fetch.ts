/**
 * An observed fetch for unit tests, after openapi-fetch's `createObservedClient`: it records every
 * Request and answers it from a handler, in memory. Nothing is mocked: the code under test calls it
 * as it calls the platform's fetch, and it aborts as that one does (before the headers, the promise
 * rejects with the signal's reason; after them, the body stream errors with it).
 */
import { STATUS_CODES } from "node:http";
import { errorBody } from "./api.js";

/** Answers one request (`index`: 0-based, in arrival order). A rejection is a network failure. */
export type FetchHandler = (request: Request, index: number) => Response | Promise<Response>;

export interface ObservedFetch {
  /** The fetch to inject. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Every request received so far, in arrival order. */
  readonly requests: readonly Request[];
  /** Resolves with request number `index` (0-based) as soon as it has arrived: abort on this event. */
  received(index: number): Promise<Request>;
}

/** A fetch that records each Request and answers it with `handler` (default: 200 `[]`). */
export function createObservedFetch(handler: FetchHandler = () => json([])): ObservedFetch {
  const requests: Request[] = [];
  const waiting: { index: number; resolve: (request: Request) => void }[] = [];
  return {
    requests,
    async fetch(input, init) {
      const request = input instanceof Request && init === undefined ? input : new Request(input, init);
      const index = requests.push(request) - 1;
      for (const waiter of waiting.filter((w) => w.index === index)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(request);
      }
      return abortable(request.signal, () => handler(request, index));
    },
    received(index) {
      const request = requests[index];
      if (request) return Promise.resolve(request);
      return new Promise((resolve) => waiting.push({ index, resolve }));
    },
  };
}

/** The handler's answer, under fetch's abort rules for `signal`. */
async function abortable(signal: AbortSignal, answer: () => Response | Promise<Response>): Promise<Response> {
  signal.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  let response: Response;
  try {
    response = await Promise.race([answer(), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  if (!response.body) return response;
  const source = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const stop = () => {
        controller.error(signal.reason);
        void source.cancel(signal.reason).catch(() => {});
      };
      if (signal.aborted) return stop();
      signal.addEventListener("abort", stop, { once: true });
    },
    async pull(controller) {
      try {
        const { done, value } = await source.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: (reason) => source.cancel(reason),
  });
  return new Response(body, response);
}

const init = (status: number, headers: Record<string, string>, length?: number): ResponseInit => ({
  status,
  statusText: STATUS_CODES[status] ?? "",
  headers: length === undefined ? headers : { "content-length": String(length), ...headers },
});

/** A complete `text` body with a Content-Length, as a server sends a fixed answer. */
export function text(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, init(status, headers, Buffer.byteLength(body)));
}

/** `body` as JSON. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return text(JSON.stringify(body), status, { "content-type": "application/json", ...headers });
}

/** A status with the spec's error body. */
export function apiError(status: number, code: number, headers: Record<string, string> = {}): Response {
  return json(errorBody(code, `Failure ${status}.`), status, headers);
}

/** Handlers answering request i with `handlers[i]`, and every request past the end with the last one. */
export function inOrder(...handlers: FetchHandler[]): FetchHandler {
  return (request, index) => {
    const handler = handlers[Math.min(index, handlers.length - 1)];
    if (!handler) throw new Error("inOrder() needs at least one handler");
    return handler(request, index);
  };
}

/** Never answers (until the request is aborted, as with every observed request). */
export const hang = (): Promise<Response> => new Promise(() => {});

/** The connection fails before any answer, as undici reports it: `TypeError: fetch failed` with a coded cause. */
export function networkError(code = "ECONNRESET"): Promise<Response> {
  const cause = Object.assign(new Error(`read ${code}`), { code });
  return Promise.reject(new TypeError("fetch failed", { cause }));
}

/**
 * 200 headers and `prefix` of a body that then never ends (a stalled server). `onRead` fires once
 * the reader has taken the prefix and waits for more: the moment "the body is still arriving".
 */
export function stalledBody(
  prefix: string,
  options: { status?: number; onRead?: () => void } = {},
): Response {
  const { status = 200, onRead } = options;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(prefix));
    },
    pull() {
      onRead?.();
    },
  });
  return new Response(stream, init(status, { "content-type": "application/json" }));
}

/** 200 headers and `prefix` of a body, then the connection breaks (undici: `TypeError: terminated`). */
export function cutOffBody(prefix: string, status = 200): Response {
  let sent = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) {
        const cause = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
        controller.error(new TypeError("terminated", { cause }));
        return;
      }
      sent = true;
      controller.enqueue(new TextEncoder().encode(prefix));
    },
  });
  return new Response(stream, init(status, { "content-type": "application/json" }));
}

/** The rejection reason of `promise`; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
