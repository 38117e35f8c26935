import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createLogger } from "@stoplight/prism-core";
import { getHttpOperationsFromSpec, type IHttpConfig } from "@stoplight/prism-http";
import { createServer } from "@stoplight/prism-http-server";

/**
 * spec/workflows.openapi.yaml as @workflows-kit/types ships it (its build copies the spec to
 * `@workflows-kit/types/openapi.yaml`), so the published mock needs nothing outside its dependencies.
 */
export const defaultSpecPath = createRequire(import.meta.url).resolve("@workflows-kit/types/openapi.yaml");

export type MockLogLevel = "silent" | "fatal" | "error" | "warn" | "info" | "debug" | "trace";

/** One line of Prism's log: its level, the Prism component that wrote it, the message and the request it is about. */
export interface MockLogEntry {
  level: string;
  name: string;
  msg: string;
  /** `GET /api/v1/…` when the line is about a request. */
  request?: string;
}

export interface MockOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Generate responses from the schemas (json-schema-faker) instead of serving the spec's examples. Default false. */
  dynamic?: boolean;
  /**
   * Seed of the dynamic generator: Prism reseeds json-schema-faker with it before every generated body,
   * so the same seed gives the same body on every request and every run. Ignored for static examples.
   */
  seed?: string | number;
  /** The OpenAPI document to serve. Default: the repository's spec/workflows.openapi.yaml. */
  spec?: string;
  /** Prism's log level. Default "silent". */
  logLevel?: MockLogLevel;
  /** Where log entries go (only when `logLevel` is not "silent"). Default: one line each on stderr. */
  log?: (entry: MockLogEntry) => void;
}

export interface MockServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:4010; pass it as the client's `baseUrl`. */
  readonly url: string;
  /** Stops listening, closes idle keep-alive connections and resolves once the port is free. Idempotent. */
  close(): Promise<void>;
}

/** `[NAME] GET /path message`, the way `prism mock` prints its log. */
export function formatLogEntry(entry: MockLogEntry): string {
  return `[${entry.name}]${entry.request ? ` ${entry.request}` : ""} ${entry.msg}`;
}

const defaultLog = (entry: MockLogEntry) => process.stderr.write(`${formatLogEntry(entry)}\n`);

interface PinoLine {
  level?: unknown;
  name?: unknown;
  msg?: unknown;
  input?: { method?: unknown; url?: { path?: unknown } };
}

/** A pino destination that turns its JSON lines into MockLogEntry calls. */
function logDestination(log: (entry: MockLogEntry) => void) {
  return {
    write(line: string) {
      try {
        const { level, name, msg, input } = JSON.parse(line) as PinoLine;
        const request =
          typeof input?.method === "string" && typeof input.url?.path === "string"
            ? `${input.method.toUpperCase()} ${input.url.path}`
            : undefined;
        log({
          level: String(level),
          name: String(name ?? "PRISM"),
          msg: String(msg ?? ""),
          ...(request ? { request } : {}),
        });
      } catch {
        log({ level: "info", name: "PRISM", msg: line.trimEnd() });
      }
    },
  };
}

function formatUrl(host: string, listening: string): string {
  // Prism answers `http://<address>:<port>`; rebuild it from the host asked for so IPv6 gets brackets.
  const port = Number(listening.slice(listening.lastIndexOf(":") + 1));
  if (!Number.isInteger(port) || port <= 0)
    throw new Error(`Prism reported an unexpected address: ${listening}`);
  const name = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * Starts Prism's HTTP mock server in this process on the spec, with request validation and
 * security checks on (Prism's `prism mock` defaults). Resolves once the server is listening:
 * the listen callback is the readiness handshake, so there is nothing to poll and no sleep.
 */
export async function startMock(options: MockOptions = {}): Promise<MockServer> {
  const { port = 0, host = "127.0.0.1", dynamic = false, seed, spec = defaultSpecPath } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535 (got ${port})`);
  }
  if (!/^[a-z]+:\/\//i.test(spec) && !existsSync(spec)) {
    throw new Error(`OpenAPI document not found: ${spec}`);
  }
  const operations = await getHttpOperationsFromSpec(spec);
  if (operations.length === 0) throw new Error(`No operations found in ${spec}`);

  const level = options.logLevel ?? "silent";
  const logger = createLogger(
    "MOCK",
    { level, formatters: { level: (label: string) => ({ level: label }) } },
    level === "silent" ? undefined : logDestination(options.log ?? defaultLog),
  );
  const config: IHttpConfig = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors: false,
    upstreamProxy: undefined,
    isProxy: false,
    mock: { dynamic, ...(seed === undefined ? {} : { seed: String(seed) }) },
  };
  const server = createServer(operations, {
    cors: true,
    config,
    components: { logger: logger.child({ name: "HTTP SERVER" }) },
  });

  let listening: string;
  try {
    listening = await server.listen(port, host);
  } catch (error) {
    // prism-http-server rejects with the error's message (a string), not the error: keep its code.
    const reason = error instanceof Error ? error.message : String(error);
    const code = /\b(E[A-Z]{3,})\b/.exec(reason)?.[1];
    throw Object.assign(
      new Error(`Prism could not listen on ${host}:${port}: ${reason}`),
      code ? { code } : {},
    );
  }

  let closing: Promise<void> | undefined;
  return {
    url: formatUrl(host, listening),
    close() {
      // http.Server#close (Node >= 19) also ends idle keep-alive sockets; it resolves once the port is free.
      closing ??= server.close();
      return closing;
    },
  };
}
