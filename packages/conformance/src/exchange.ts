import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { toTicks } from "@workflows-kit/client";
import type { SpecFacts } from "./spec.js";

/** One request of the operation and its answer, as a recording (the probe's own or a user's HAR) holds it. */
export interface Exchange {
  /** Position of the entry in the recording, from 0. */
  index: number;
  method: string;
  url: string;
  query: URLSearchParams;
  accountId: string;
  definitionId: string;
  /** 0 when the request got no answer (a failed connection). */
  status: number;
  /** Response headers by lower-cased name (repeated ones joined with ", "). */
  headers: Map<string, string>;
  /** The response body as text, decoded; undefined when the recording does not hold it whole. */
  body: string | undefined;
  /** Why `body` is undefined. */
  bodyProblem?: string;
}

/** The part of an instance the semantic checks read; anything unusable is the shape checks' business. */
export interface Instance {
  workflowId: string;
  status: unknown;
  version: unknown;
  startedAt: string;
  /** 100 ns ticks of `startedAt`. */
  ticks: bigint;
}

/** A recording that is not HAR: `entry` is the index of the first bad entry, when one is. */
export class InvalidHarError extends Error {
  override name = "InvalidHarError";
  constructor(
    message: string,
    readonly entry?: number,
  ) {
    super(message);
  }
}

export interface ReadOptions {
  /** Only this account's and definition's requests count; others are ignored. */
  accountId?: string;
  definitionId?: string;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null;

function decodeBody(entry: Node, headers: Map<string, string>): Pick<Exchange, "body" | "bodyProblem"> {
  if (entry._truncated === true) return { body: undefined, bodyProblem: "the recorder cut the body short" };
  const content = (entry.response as Node).content;
  const text = isNode(content) ? content.text : undefined;
  if (typeof text !== "string") return { body: undefined, bodyProblem: "the recording holds no body" };
  if (!isNode(content) || content.encoding !== "base64") return { body: text };
  let bytes: Buffer = Buffer.from(text, "base64");
  // HAR text is meant to be decoded already; some tools store the compressed bytes as base64 anyway.
  const coding = headers.get("content-encoding")?.toLowerCase();
  try {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    else if (coding === "br") bytes = brotliDecompressSync(bytes);
    else if (coding === "deflate") bytes = inflateSync(bytes);
  } catch {
    // Not compressed after all: the bytes are the body.
  }
  return { body: bytes.toString("utf8") };
}

function headerMap(headers: unknown): Map<string, string> {
  const map = new Map<string, string>();
  for (const header of Array.isArray(headers) ? headers : []) {
    if (!isNode(header) || typeof header.name !== "string") continue;
    const name = header.name.toLowerCase();
    const value = String(header.value ?? "");
    map.set(name, map.has(name) ? `${map.get(name)}, ${value}` : value);
  }
  return map;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The exchanges of the spec's operation in a HAR document, in recording order; every other entry
 * (another path or method, another account or definition when asked) is counted in `ignored`.
 */
export function readHar(
  har: unknown,
  facts: SpecFacts,
  options: ReadOptions = {},
): { exchanges: Exchange[]; ignored: number } {
  const entries = isNode(har) && isNode(har.log) ? har.log.entries : undefined;
  if (!Array.isArray(entries)) throw new InvalidHarError("not a HAR document: log.entries is missing");
  const exchanges: Exchange[] = [];
  let ignored = 0;
  entries.forEach((entry: unknown, index) => {
    const request = isNode(entry) ? entry.request : undefined;
    const response = isNode(entry) ? entry.response : undefined;
    if (!isNode(entry) || !isNode(request) || !isNode(response)) {
      throw new InvalidHarError(`HAR entry ${index} has no request and response`, index);
    }
    if (typeof request.url !== "string" || typeof response.status !== "number") {
      throw new InvalidHarError(`HAR entry ${index} has no request.url or response.status`, index);
    }
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new InvalidHarError(`HAR entry ${index} has an invalid request.url`, index);
    }
    const match = facts.pathPattern.exec(url.pathname);
    const method = String(request.method ?? "GET").toUpperCase();
    const accountId = decode(match?.[1] ?? "");
    const definitionId = decode(match?.[2] ?? "");
    if (
      !match ||
      method !== "GET" ||
      (options.accountId !== undefined && accountId !== options.accountId) ||
      (options.definitionId !== undefined &&
        definitionId.toLowerCase() !== options.definitionId.toLowerCase())
    ) {
      ignored++;
      return;
    }
    const headers = headerMap(response.headers);
    exchanges.push({
      index,
      method,
      url: request.url,
      query: url.searchParams,
      accountId,
      definitionId,
      status: response.status,
      headers,
      ...decodeBody(entry, headers),
    });
  });
  return { exchanges, ignored };
}

/** The body as JSON, or undefined when it is not JSON (or not recorded whole). */
export function jsonOf(exchange: Exchange): unknown {
  if (exchange.body === undefined) return undefined;
  try {
    return JSON.parse(exchange.body);
  } catch {
    return undefined;
  }
}

/**
 * The instances of a 200 page, in the order served; undefined when the body is not a JSON array.
 * Items without a string workflowId and a valid startedAt are left out (shape.instances names them).
 */
export function instancesOf(exchange: Exchange): Instance[] | undefined {
  if (exchange.status !== 200) return undefined;
  const page = jsonOf(exchange);
  if (!Array.isArray(page)) return undefined;
  const instances: Instance[] = [];
  for (const item of page) {
    if (!isNode(item) || typeof item.workflowId !== "string" || typeof item.startedAt !== "string") continue;
    const ticks = toTicks(item.startedAt);
    if (ticks === undefined) continue;
    const { workflowId, status, version, startedAt } = item;
    instances.push({ workflowId, status, version, startedAt, ticks });
  }
  return instances;
}

/** How many items the 200 body holds (valid or not); undefined when it is not a JSON array. */
export function lengthOf(exchange: Exchange): number | undefined {
  const page = exchange.status === 200 ? jsonOf(exchange) : undefined;
  return Array.isArray(page) ? page.length : undefined;
}

/** An integer query parameter, or undefined when absent or not an integer. */
export function integerParam(exchange: Exchange, name: string): number | undefined {
  const raw = exchange.query.get(name);
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** At most `max` characters of `text` on one line, for evidence. */
export function excerpt(text: string, max = 300): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
