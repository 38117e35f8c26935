import type { Har } from "@workflows-kit/client";
import { servers } from "@workflows-kit/types";
import { type CheckResult, toResults } from "./checks.js";
import { readHar } from "./exchange.js";
import { type LiveProbeOptions, probeServer } from "./live.js";
import { checkRecording } from "./recorded.js";
import { loadSpecFacts, type SpecFacts } from "./spec.js";

export interface SpecOption {
  /** The OpenAPI document whose statements are checked. Default: the one `@workflows-kit/types` ships. */
  spec?: string | undefined;
}

/** Checks recorded traffic instead of sending requests. */
export interface HarProbeOptions extends SpecOption {
  /** A parsed HAR 1.2 document (`JSON.parse` of a .har file). */
  har: unknown;
  /** Only this account's requests count (others are ignored). */
  accountId?: string | undefined;
  /** Only this definition's requests count (others are ignored). */
  definitionId?: string | undefined;
}

export type ProbeOptions = (LiveProbeOptions & SpecOption) | HarProbeOptions;

export interface ProbeReport {
  /** Where the answers came from: requests the probe sent (a live probe), or a recording. */
  source: "server" | "har";
  /**
   * The server the answers came from, as an origin (scheme, host, port: never credentials, path or
   * query). Live: the base URL probed. HAR: the recorded requests' origin; null when the recording
   * checked none, or requests to more than one (each evidence request names its URL).
   */
  server: string | null;
  /** Every check, in a fixed order, each with its verdict and evidence. */
  checks: CheckResult[];
  /** What `offset` counts on this server as observed; null when it could not be told. */
  offsetUnit: "pages" | "items" | null;
  /** Requests sent (server), or exchanges of the operation checked (HAR). */
  requests: number;
  /** HAR: entries ignored because they are not this operation (or not the account/definition asked for). */
  ignored: number;
  /** Why the probe ended before its plan did (the request budget, a long 429), when it did. */
  stopped?: string;
  /** Server: the probe's own traffic as HAR 1.2 (the key redacted), to attach to a report or re-check. */
  har?: Har;
}

const specs = new Map<string, SpecFacts>();
function factsOf(spec: string | undefined): SpecFacts {
  const key = spec ?? "";
  let facts = specs.get(key);
  if (!facts) {
    facts = loadSpecFacts(spec);
    specs.set(key, facts);
  }
  return facts;
}

/**
 * Does this server (or this recorded traffic) behave as the spec says? Every statement of the spec
 * the probe can test is a named check with a verdict and evidence. Against a server it sends only
 * read-only GETs, one at a time, at most `maxRequests` (30); the key never leaves the request header.
 */
export async function probeConformance(options: ProbeOptions): Promise<ProbeReport> {
  const facts = factsOf(options.spec);
  if ("har" in options) {
    const { exchanges, ignored } = readHar(options.har, facts, {
      ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
      ...(options.definitionId === undefined ? {} : { definitionId: options.definitionId }),
    });
    const { findings, offsetUnit } = checkRecording(exchanges, facts);
    const origins = new Set(exchanges.map((exchange) => new URL(exchange.url).origin));
    return {
      source: "har",
      server: origins.size === 1 ? ([...origins][0] as string) : null,
      checks: toResults(facts, findings, "not shown by the recording"),
      offsetUnit,
      requests: exchanges.length,
      ignored,
    };
  }
  const result = await probeServer(options, facts);
  return {
    source: "server",
    // The client refused a base URL that is not an absolute http(s) URL before any request.
    server: new URL(options.baseUrl ?? servers[0]).origin,
    checks: toResults(facts, result.findings, "not run"),
    offsetUnit: result.offsetUnit,
    requests: result.requests,
    ignored: 0,
    ...(result.stopped === undefined ? {} : { stopped: result.stopped }),
    har: result.har,
  };
}
