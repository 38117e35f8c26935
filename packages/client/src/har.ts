import type { Entry, Har, Header, QueryString } from "har-format";
import type { Middleware } from "openapi-fetch";

export type { Entry as HarEntry, Har, Header as HarHeader, Log as HarLog } from "har-format";

/** Every option also takes `undefined`, meaning "not given" (for `exactOptionalPropertyTypes`). */
export interface HarRecorderOptions {
  /** Entries kept; past it the oldest entry is dropped (counted in `dropped`). Default 1 000. */
  maxEntries?: number | undefined;
  /** Bytes of each response body kept; a longer body is cut there (the entry gets `_truncated: true`). Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** Header names whose values are replaced by `[REDACTED]`. Default: authorization, proxy-authorization, cookie, set-cookie. */
  redactHeaders?: readonly string[] | undefined;
  /** Milliseconds since the epoch, for `startedDateTime` and `time`. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** `log.creator`. Default `{ name: "@workflows-kit/client", version: "" }`. */
  creator?: { name: string; version: string } | undefined;
}

export interface HarRecorder {
  /** The openapi-fetch middleware: `client.raw.use(recorder.middleware)`. */
  readonly middleware: Middleware;
  /** The recorded exchanges, oldest first (at most `maxEntries`). */
  readonly entries: readonly Entry[];
  /** Exchanges dropped because `maxEntries` was reached. */
  readonly dropped: number;
  /** A HAR 1.2 document of the entries, ready for `JSON.stringify`. */
  log(): Har;
  /** Forgets every entry. */
  clear(): void;
}

export const REDACTED = "[REDACTED]";
const DEFAULT_REDACTED = ["authorization", "proxy-authorization", "cookie", "set-cookie"];

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1`);
  return value;
}

/**
 * Records what a client exchanges as HAR 1.2 entries (the format browsers, proxies and API tools
 * read): an openapi-fetch middleware, off until registered with `client.raw.use(recorder.middleware)`.
 * Secret headers are redacted; entries and body bytes are bounded.
 */
export function createHarRecorder(options: HarRecorderOptions = {}): HarRecorder {
  const maxEntries = positiveInteger("maxEntries", options.maxEntries, 1_000);
  const maxBodyBytes = positiveInteger("maxBodyBytes", options.maxBodyBytes, 1024 * 1024);
  const redact = new Set((options.redactHeaders ?? DEFAULT_REDACTED).map((name) => name.toLowerCase()));
  const now = options.now ?? Date.now;
  const creator = options.creator ?? { name: "@workflows-kit/client", version: "" };
  const entries: Entry[] = [];
  const started = new Map<string, number>();
  let dropped = 0;

  const headersOf = (headers: Headers): Header[] =>
    [...headers].map(([name, value]) => ({ name, value: redact.has(name) ? REDACTED : value }));

  function requestOf(request: Request): Entry["request"] {
    const url = new URL(request.url);
    const queryString: QueryString[] = [...url.searchParams].map(([name, value]) => ({ name, value }));
    return {
      method: request.method,
      url: request.url,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: headersOf(request.headers),
      queryString,
      headersSize: -1,
      bodySize: request.body === null ? 0 : -1,
    };
  }

  function add(id: string, request: Request, response: Entry["response"], extra: Partial<Entry> = {}) {
    const end = now();
    const start = started.get(id) ?? end;
    started.delete(id);
    const time = Math.max(0, end - start);
    entries.push({
      startedDateTime: new Date(start).toISOString(),
      time,
      request: requestOf(request),
      response,
      cache: {},
      timings: { send: 0, wait: time, receive: 0 },
      ...extra,
    });
    if (entries.length > maxEntries) {
      entries.shift();
      dropped++;
    }
  }

  const middleware: Middleware = {
    onRequest({ id }) {
      started.set(id, now());
    },
    async onResponse({ id, request, response }) {
      const bytes = new Uint8Array(await response.clone().arrayBuffer());
      const truncated = bytes.length > maxBodyBytes;
      const text = new TextDecoder().decode(truncated ? bytes.subarray(0, maxBodyBytes) : bytes);
      add(
        id,
        request,
        {
          status: response.status,
          statusText: response.statusText,
          httpVersion: "HTTP/1.1",
          cookies: [],
          headers: headersOf(response.headers),
          content: {
            size: bytes.length,
            mimeType: response.headers.get("content-type") ?? "x-unknown",
            text,
            ...(truncated
              ? { comment: `truncated to the first ${maxBodyBytes} of ${bytes.length} bytes` }
              : {}),
          },
          redirectURL: response.headers.get("location") ?? "",
          headersSize: -1,
          bodySize: -1,
        },
        truncated ? { _truncated: true } : {},
      );
    },
    onError({ id, request, error }) {
      // Status 0 is how browsers record a request that got no response.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      add(
        id,
        request,
        {
          status: 0,
          statusText: "",
          httpVersion: "HTTP/1.1",
          cookies: [],
          headers: [],
          content: { size: 0, mimeType: "x-unknown" },
          redirectURL: "",
          headersSize: -1,
          bodySize: -1,
        },
        { _error: message },
      );
    },
  };

  return {
    middleware,
    get entries() {
      return entries;
    },
    get dropped() {
      return dropped;
    },
    log: () => ({ log: { version: "1.2", creator: { ...creator }, entries: entries.slice() } }),
    clear() {
      entries.length = 0;
      dropped = 0;
    },
  };
}
