/**
 * A fault-injecting proxy in front of the reference provider, for the fault drills of the client
 * and the CLI. Every request gets a `Fault` from the plan: pass it through, or answer with a 429,
 * a 5xx storm, an HTML page, a reset (before the headers or mid-body), truncated JSON, slow headers,
 * a body that trickles or stalls, no answer at all, a 10 MB page, or a page built from the
 * provider's list (duplicates, reordering). It listens on 127.0.0.1 only; `close()` destroys open sockets and
 * clears every timer it started, so a drill can check that nothing is left running.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { OffsetUnit, WorkflowInstance } from "@workflows-kit/types";
import { offsetUnit as specOffsetUnit } from "@workflows-kit/types";
import { errorBody } from "../api.js";
import { type RecordedRequest, startServer } from "./server.js";

/** The provider's answer to a forwarded request. */
export interface UpstreamReply {
  status: number;
  contentType: string;
  body: string;
}

/** What a fault knows about the request it answers. */
export interface FaultContext {
  /** 0-based number of the request at this server (retries count). */
  index: number;
  /** The request target, parsed against the server's own URL. */
  url: URL;
  /** `limit` as sent, or the spec's default 100. */
  limit: number;
  /** `offset` as sent, or 0. */
  offset: number;
  /** Position of the page's first item in the list (offset in the server's unit). */
  start: number;
  /** Forwards the request to the provider, with query parameters changed by `patch` (undefined removes one). */
  upstream(patch?: Record<string, string | number | undefined>): Promise<UpstreamReply>;
  /** Items `start … start+count-1` of the provider's list under this request's filters (count ≤ 500). */
  window(start: number, count: number): Promise<WorkflowInstance[]>;
}

export type Fault =
  /** Forward to the provider and answer with its reply. */
  | { kind: "pass" }
  /** Answer `status` with `body` verbatim (and a Content-Length). */
  | { kind: "reply"; status: number; body: string; headers?: Record<string, string> }
  /** 429 with the spec's error body; `retryAfter` is evaluated when the request arrives. */
  | { kind: "rateLimit"; retryAfter: string | (() => string) }
  /** Destroy the connection before any byte of the answer. */
  | { kind: "resetBeforeHeaders" }
  /** The provider's 200 headers and the first part of its body, then a destroyed connection. */
  | { kind: "resetMidBody" }
  /** The provider's 200 headers and the first part of its body, then nothing until the client goes away. */
  | { kind: "stall" }
  /** A complete 200 response (matching Content-Length) whose JSON body is cut short. */
  | { kind: "truncatedJson"; status?: number }
  /** Wait `delayMs` before forwarding (a slow upstream behind a proxy). */
  | { kind: "slowHeaders"; delayMs: number }
  /** Forward once `until` settles: the drill releases the answer on an event of its own. */
  | { kind: "held"; until: Promise<unknown> }
  /** Accept the request and never answer. */
  | { kind: "hang" }
  /** The provider's 200 headers, then `chunkBytes` every `everyMs`: a body slower than any sane timeout. */
  | { kind: "trickle"; chunkBytes: number; everyMs: number }
  /** The provider's page with each instance padded (`data.padding`) so the body is at least `minBytes`. */
  | { kind: "large"; minBytes: number }
  /** A 200 page built by `build` (from `window`, for duplicates or reordering). */
  | { kind: "page"; build: (context: FaultContext) => Promise<WorkflowInstance[]> };

/** Which fault answers each request: a list by request number (then "pass"), or a function. */
export type FaultPlan = readonly Fault[] | ((context: FaultContext) => Fault);

export interface FaultServerOptions {
  /** The reference provider to forward to (`provider.url`). */
  upstream: string;
  plan: FaultPlan;
  /** The unit `offset` counts in, as the provider is configured. Default: the spec's (pages). */
  offsetUnit?: OffsetUnit;
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Resolves with request number `index` once the server has received it. */
  received(index: number): Promise<RecordedRequest>;
  /** The kind of fault that answered each request, in arrival order. */
  served: Fault["kind"][];
  /** Stops listening, destroys open sockets and clears pending timers. Idempotent. */
  close(): Promise<void>;
}

const PASS: Fault = { kind: "pass" };
const CHUNK_BYTES = 256 * 1024;
const UPSTREAM_TIMEOUT_MS = 10_000;

/** A 5xx (or any status) with the spec's error body. */
export const apiError = (status: number, code = 1): Fault => ({
  kind: "reply",
  status,
  body: JSON.stringify(errorBody(code, `Upstream failure ${status}.`)),
  headers: { "content-type": "application/json" },
});

/** The same fault for every request. */
export const always =
  (fault: Fault): FaultPlan =>
  () =>
    fault;

/** A 429 with `Retry-After` (seconds, or computed per request). */
export const rateLimit = (retryAfter: string | (() => string)): Fault => ({ kind: "rateLimit", retryAfter });

/** An HTTP date (whole seconds) `secondsAhead` from now, and the wait it means. */
export function httpDate(secondsAhead: number): { header: string; waitMs: number } {
  const at = (Math.floor(Date.now() / 1000) + secondsAhead) * 1000;
  return { header: new Date(at).toUTCString(), waitMs: at - Date.now() };
}

/**
 * One 429 whose `Retry-After` is an HTTP date (whole seconds) `secondsAhead` from when it is sent,
 * with the wait that date means as the drill's lower time bound.
 */
export function httpDateRateLimit(secondsAhead: number): { plan: FaultPlan; minMs: () => number } {
  let waitMs = 0;
  const fault = rateLimit(() => {
    const date = httpDate(secondsAhead);
    waitMs = date.waitMs;
    return date.header;
  });
  return { plan: [fault], minMs: () => waitMs };
}

/** An HTML error page as a load balancer or proxy sends it, padded to `bytes` if given. */
export function htmlPage(status: number, bytes = 0): Fault {
  const head = `<!DOCTYPE html>\n<html>\n<head><title>${status} Bad Gateway</title></head>\n<body>\n<center><h1>${status} Bad Gateway</h1></center>\n<hr><center>nginx</center>\n`;
  const tail = "</body>\n</html>\n";
  const filler = "<!-- a padding comment to make the page large -->\n";
  const padding = bytes > head.length + tail.length ? filler.repeat(Math.ceil(bytes / filler.length)) : "";
  return {
    kind: "reply",
    status,
    body: `${head}${padding}${tail}`,
    headers: { "content-type": "text/html; charset=utf-8" },
  };
}

/** Starts the fault server on 127.0.0.1 and a free port. */
export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const unit = options.offsetUnit ?? specOffsetUnit;
  const timers = new Set<NodeJS.Timeout>();
  const served: Fault["kind"][] = [];
  let count = 0;
  let closed = false;

  /** A timer that `close()` clears, and that stops by itself when `res` closes first. Returns its stop. */
  function later(res: ServerResponse, ms: number, fn: () => void, repeat = false): () => void {
    const stop = () => {
      clearTimeout(timer);
      timers.delete(timer);
    };
    const timer = repeat
      ? setInterval(fn, ms)
      : setTimeout(() => {
          stop();
          fn();
        }, ms);
    timers.add(timer);
    res.once("close", stop);
    return stop;
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    patch: Record<string, string | number | undefined>,
  ) {
    const query = new URLSearchParams(url.search);
    for (const [name, value] of Object.entries(patch)) {
      if (value === undefined) query.delete(name);
      else query.set(name, String(value));
    }
    const target = new URL(`${url.pathname}?${query}`, options.upstream);
    // The client may go away (a timeout, an abort, a read-ahead page discarded): stop forwarding then.
    const gone = new AbortController();
    res.once("close", () => gone.abort());
    return new Promise<UpstreamReply>((resolve, reject) => {
      const upstream = httpRequest(
        target,
        {
          method: "GET",
          agent: false, // no pooled sockets left behind
          headers: req.headers.authorization ? { authorization: req.headers.authorization } : {},
          timeout: UPSTREAM_TIMEOUT_MS,
          signal: gone.signal,
        },
        (reply) => {
          let body = "";
          reply.setEncoding("utf8");
          reply.on("data", (chunk: string) => {
            body += chunk;
          });
          reply.on("end", () =>
            resolve({
              status: reply.statusCode ?? 502,
              contentType: String(reply.headers["content-type"] ?? "application/json"),
              body,
            }),
          );
          reply.on("error", reject);
        },
      );
      upstream.on("timeout", () => upstream.destroy(new Error(`upstream ${target} did not answer`)));
      upstream.on("error", reject);
      upstream.end();
    });
  }

  function contextFor(req: IncomingMessage, res: ServerResponse, index: number): FaultContext {
    const url = new URL(req.url ?? "/", "http://faults.local");
    const integer = (name: string, fallback: number) => {
      const raw = url.searchParams.get(name);
      return raw !== null && /^\d+$/.test(raw) ? Number(raw) : fallback;
    };
    const limit = integer("limit", 100);
    const offset = integer("offset", 0);
    const context: FaultContext = {
      index,
      url,
      limit,
      offset,
      start: unit === "pages" ? offset * limit : offset,
      upstream: (patch = {}) => forward(req, res, url, patch),
      async window(start, size) {
        if (size <= 0) return [];
        if (start + size > 500)
          throw new Error(`window(${start}, ${size}) is past what one request can fetch`);
        const reply = await forward(req, res, url, { limit: start + size, offset: 0 });
        if (reply.status !== 200) throw new Error(`upstream answered ${reply.status}: ${reply.body}`);
        return (JSON.parse(reply.body) as WorkflowInstance[]).slice(Math.max(0, start), start + size);
      },
    };
    return context;
  }

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
    if (res.destroyed) return;
    res.writeHead(status, { "content-length": String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  }

  /** Resolves once `res` can take more data, or once it closed (the client went away). */
  const drainedOrClosed = (res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const done = () => {
        res.off("drain", done);
        res.off("close", done);
        resolve();
      };
      res.on("drain", done);
      res.on("close", done);
    });

  /** Forwards once `arm` calls back (a delay, a drill's event), unless the client went away first. */
  function forwardWhen(
    context: FaultContext,
    req: IncomingMessage,
    res: ServerResponse,
    arm: (go: () => void) => unknown,
  ): Promise<void> {
    return new Promise<void>((resolve) => {
      arm(() => {
        if (closed || res.destroyed) return resolve();
        void perform(PASS, context, req, res).then(resolve, resolve);
      });
      res.once("close", () => resolve());
    });
  }

  async function perform(fault: Fault, context: FaultContext, req: IncomingMessage, res: ServerResponse) {
    switch (fault.kind) {
      case "pass": {
        const reply = await context.upstream();
        return send(res, reply.status, reply.body, { "content-type": reply.contentType });
      }
      case "reply":
        return send(res, fault.status, fault.body, fault.headers);
      case "rateLimit": {
        const retryAfter = typeof fault.retryAfter === "function" ? fault.retryAfter() : fault.retryAfter;
        return send(res, 429, JSON.stringify(errorBody(1100, "Too many requests.")), {
          "content-type": "application/json",
          "retry-after": retryAfter,
        });
      }
      case "resetBeforeHeaders":
        req.socket.destroy();
        return;
      case "resetMidBody":
      case "stall": {
        const reply = await context.upstream();
        if (res.destroyed) return;
        const bytes = Buffer.from(reply.body);
        res.writeHead(200, { "content-type": "application/json", "content-length": String(bytes.length) });
        // The first half is flushed to the socket; then the connection dies, or nothing more comes.
        const half = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
        res.write(half, () => fault.kind === "resetMidBody" && res.socket?.destroy());
        return;
      }
      case "truncatedJson": {
        const reply = await context.upstream();
        const cut = reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2)));
        return send(res, fault.status ?? 200, cut, { "content-type": "application/json" });
      }
      case "slowHeaders":
        return forwardWhen(context, req, res, (go) => later(res, fault.delayMs, go));
      case "held":
        return forwardWhen(context, req, res, (go) => fault.until.then(go, go));
      case "hang":
        return;
      case "trickle": {
        const reply = await context.upstream();
        if (res.destroyed) return;
        const bytes = Buffer.from(reply.body);
        res.writeHead(200, { "content-type": "application/json", "content-length": String(bytes.length) });
        let sent = 0;
        const stop = later(
          res,
          fault.everyMs,
          () => {
            if (res.destroyed) return stop();
            const next = Math.min(bytes.length, sent + fault.chunkBytes);
            res.write(bytes.subarray(sent, next));
            sent = next;
            if (sent === bytes.length) {
              stop();
              res.end();
            }
          },
          true,
        );
        return;
      }
      case "large": {
        const reply = await context.upstream();
        const page = JSON.parse(reply.body) as WorkflowInstance[];
        const each = Math.ceil(fault.minBytes / Math.max(1, page.length));
        const padded = page.map((instance, i) => ({
          ...instance,
          data: { ...instance.data, padding: `${i}:`.padEnd(each, "x") },
        }));
        const bytes = Buffer.from(JSON.stringify(padded));
        if (res.destroyed) return;
        res.writeHead(200, { "content-type": "application/json", "content-length": String(bytes.length) });
        for (let at = 0; at < bytes.length && !res.destroyed; at += CHUNK_BYTES) {
          if (!res.write(bytes.subarray(at, at + CHUNK_BYTES))) await drainedOrClosed(res);
        }
        res.end();
        return;
      }
      case "page": {
        const page = await fault.build(context);
        return send(res, 200, JSON.stringify(page), { "content-type": "application/json" });
      }
    }
  }

  const inflight = new Set<Promise<void>>();
  const server = await startServer((req, res) => {
    const context = contextFor(req, res, count++);
    const plan = options.plan;
    const fault = typeof plan === "function" ? plan(context) : (plan[context.index] ?? PASS);
    served.push(fault.kind);
    // The client may give up (timeout, abort) while a fault is still answering: not an error here.
    res.on("error", () => {});
    const handled = perform(fault, context, req, res).catch((error: unknown) => {
      // A forward cut short because the client went away (or the drill ended) is expected; any
      // other failure is a broken drill and surfaces (startServer makes it an unhandled rejection).
      if (res.destroyed || closed) return;
      throw error;
    });
    inflight.add(handled);
    const forget = () => inflight.delete(handled);
    handled.then(forget, forget);
    return handled;
  });

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    requests: server.requests,
    received: server.received,
    served,
    close() {
      closing ??= (async () => {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await server.close();
        // Forwards still in flight end once their client socket is gone: wait for them, so the
        // provider is not closed under them.
        await Promise.allSettled([...inflight]);
      })();
      return closing;
    },
  };
}
