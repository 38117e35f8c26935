import {
  type ListWorkflowInstancesParams,
  listWorkflowInstancesOperation,
  listWorkflowInstancesParameters,
  type OffsetUnit,
  type paths,
  servers,
  offsetUnit as specOffsetUnit,
  type WorkflowInstance,
} from "@workflows-kit/types";
import createClient, {
  type Client,
  createFinalURL,
  createQuerySerializer,
  defaultPathSerializer as pathSerializer,
  removeTrailingSlash,
} from "openapi-fetch";
import { excerpt, InvalidParameterError, InvalidResponseError, WorkflowsApiError } from "./errors.js";
import { walkPages } from "./pagination.js";
import { createTransport } from "./transport.js";
import { validateParameters } from "./validate.js";

/** A date filter: a `Date` (sent with millisecond precision) or an ISO 8601 string (sent unchanged). */
export type DateInput = Date | string;

/** Parameters of one page request; see the spec for each one's meaning. */
export type ListWorkflowInstancesInput = Omit<
  ListWorkflowInstancesParams,
  "startTimeFrom" | "startTimeTo"
> & {
  startTimeFrom?: DateInput;
  startTimeTo?: DateInput;
};

/** Filters of a full walk: everything but limit/offset, which the walk owns. */
export type IterateWorkflowInstancesInput = Omit<ListWorkflowInstancesInput, "limit" | "offset"> & {
  /** Items per request (the spec's `limit`, 1–500). Default: the spec's default limit. */
  pageSize?: number;
  /** Stop after this many instances; no request is made for instances beyond it. */
  maxItems?: number;
  /**
   * Read-ahead: keep up to this many of the next pages in flight while the consumer works on the
   * current one (0–16, default 0: one request at a time). From the second page on, once the walk
   * is pinned. Up to this many requests past the last page may be sent; they are aborted.
   */
  prefetch?: number;
};

export interface CallOptions {
  /** Cancels the call at once, also during a backoff wait. */
  signal?: AbortSignal;
}

export interface WorkflowsClientOptions {
  /** 8x8 API key, sent as `Authorization: Bearer <apiKey>` and nowhere else. */
  apiKey: string;
  /** Default: the spec's server, https://automation.8x8.com. */
  baseUrl?: string;
  /** The fetch implementation to send requests with. Default: globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Retries after 429, 5xx, connection failures and timeouts. Default 2. */
  maxRetries?: number;
  /** Bound on each attempt, body included. Default 30 000 ms. */
  timeoutMs?: number;
  /** Check parameters against the spec before sending. Default true. */
  validate?: boolean;
  /** What `offset` counts on this server. Default: what the spec states (`x-offset-unit`). */
  offsetUnit?: OffsetUnit;
  /** First backoff step; doubles per retry, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Longest backoff step. Default 8 000 ms. */
  retryMaxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the RateLimitError is thrown. Default 60 000 ms. */
  maxRetryAfterMs?: number;
}

export interface WorkflowsClient {
  /** One page of instances, newest first. `offset` goes on the wire as given (see `offsetUnit`). */
  listWorkflowInstances(
    params: ListWorkflowInstancesInput,
    options?: CallOptions,
  ): Promise<WorkflowInstance[]>;
  /** Every matching instance, newest first, fetched page by page. */
  iterateWorkflowInstances(
    params: IterateWorkflowInstancesInput,
    options?: CallOptions,
  ): AsyncIterable<WorkflowInstance>;
  /** The same walk, one array per page (for progress reporting or batch processing). */
  iterateWorkflowInstancePages(
    params: IterateWorkflowInstancesInput,
    options?: CallOptions,
  ): AsyncIterable<WorkflowInstance[]>;
  /** What `offset` counts for this client. */
  readonly offsetUnit: OffsetUnit;
  /** The underlying openapi-fetch client (middleware via `raw.use`); it shares auth, retries and timeouts. */
  readonly raw: Client<paths>;
}

const PATH = listWorkflowInstancesOperation.path;
const DEFAULT_PAGE_SIZE = listWorkflowInstancesParameters.limit.schema.default;

function toWireDate(name: string, value: DateInput | undefined): string | undefined {
  if (!(value instanceof Date)) return value;
  if (Number.isNaN(value.getTime())) throw new InvalidParameterError(name, value, "is an invalid Date");
  return value.toISOString();
}

/** A URL carries neither a lone surrogate (encodeURIComponent throws) nor an integer past 2^53 ("1e+21"). */
function urlSafe(value: unknown): boolean {
  if (typeof value !== "string") return !Number.isInteger(value) || Number.isSafeInteger(value);
  try {
    encodeURIComponent(value);
  } catch {
    return false;
  }
  return true;
}

/** Dates to strings; checks that hold even with `validate: false` because the URL could not carry the value. */
function toWire(params: ListWorkflowInstancesInput): ListWorkflowInstancesParams {
  if (typeof params !== "object" || params === null) {
    throw new InvalidParameterError("params", params, "must be an object with accountId and definitionId");
  }
  for (const name of ["accountId", "definitionId"] as const) {
    // "." and ".." are dot-segments: URL parsers remove them, even percent-encoded.
    if (params[name] === "." || params[name] === "..") {
      throw new InvalidParameterError(name, params[name], "cannot be a dot-segment ('.' or '..')");
    }
  }
  for (const [name, value] of Object.entries(params)) {
    if (!urlSafe(value)) throw new InvalidParameterError(name, value, "cannot go into a URL as is");
  }
  const wire: Record<string, unknown> = { ...params };
  for (const name of ["startTimeFrom", "startTimeTo"] as const) {
    const value = toWireDate(name, params[name]);
    if (value === undefined) delete wire[name];
    else wire[name] = value;
  }
  return wire as ListWorkflowInstancesParams;
}

/**
 * What makes a JSON array unusable as a page: items without a string `workflowId` (null, numbers)
 * and, for a walk's page (`limit` given), more items than `limit`, which would throw its offsets off.
 */
function pageProblem(page: unknown[], limit = Number.POSITIVE_INFINITY): string | undefined {
  if (page.length > limit) return `${page.length} items for limit ${limit}`;
  if (page.some((item) => typeof (item as { workflowId?: unknown } | null)?.workflowId !== "string")) {
    return "items that are not workflow instances";
  }
  return undefined;
}

// setTimeout overflows above 2^31-1 ms and fires at once, so no wait may exceed it.
const MAX_DELAY_MS = 2_147_483_647;

function delayOption(name: string, value: number | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < min || value > MAX_DELAY_MS) {
    throw new InvalidParameterError(
      name,
      value,
      `must be a number of milliseconds from ${min} to ${MAX_DELAY_MS}`,
    );
  }
  return value;
}

function baseUrlOption(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InvalidParameterError("baseUrl", baseUrl, "must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidParameterError("baseUrl", baseUrl, "must be an absolute http(s) URL");
  }
  if (url.username || url.password) {
    // fetch would echo the whole URL, password included, in its TypeError.
    throw new InvalidParameterError("baseUrl", "<redacted>", "must not contain credentials (use apiKey)");
  }
  return baseUrl;
}

/** Creates a client for the 8x8 Automation workflow-instances API. */
export function createWorkflowsClient(options: WorkflowsClientOptions): WorkflowsClient {
  if (typeof options?.apiKey !== "string" || !/^[\x21-\x7e]+$/.test(options.apiKey)) {
    // Never echo the key back: it is a secret even when it is malformed.
    throw new InvalidParameterError("apiKey", "<redacted>", "must be a non-empty string of visible ASCII");
  }
  const offsetUnit = options.offsetUnit ?? specOffsetUnit;
  if (offsetUnit !== "items" && offsetUnit !== "pages") {
    throw new InvalidParameterError("offsetUnit", offsetUnit, 'must be "items" or "pages"');
  }
  const validate = options.validate ?? true;
  const maxRetries = options.maxRetries ?? 2;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new InvalidParameterError("maxRetries", maxRetries, "must be an integer >= 0");
  }
  const baseFetch = options.fetch ?? globalThis.fetch;
  const baseUrl = baseUrlOption(options.baseUrl ?? servers[0]);
  const transport = createTransport({
    apiKey: options.apiKey,
    fetch: (input, init) => baseFetch(input, init),
    buildRequest: options.fetch !== undefined,
    maxRetries,
    timeoutMs: delayOption("timeoutMs", options.timeoutMs, 30_000, 1),
    retryBaseDelayMs: delayOption("retryBaseDelayMs", options.retryBaseDelayMs, 500),
    retryMaxDelayMs: delayOption("retryMaxDelayMs", options.retryMaxDelayMs, 8_000),
    maxRetryAfterMs: delayOption("maxRetryAfterMs", options.maxRetryAfterMs, 60_000),
  });
  const raw = createClient<paths>({ baseUrl, fetch: transport.send });
  // Middleware runs on a Request that openapi-fetch builds. Until some is registered, a page goes
  // to the transport as a URL that openapi-fetch's own serializers build: no Request in between.
  let middleware = false;
  const { use } = raw;
  raw.use = (...added) => {
    use(...added);
    middleware ||= added.some(Boolean);
  };
  // The URL as openapi-fetch's serializers build it (base normalized once, as fetch would). Its path
  // only changes with the ids: a walk or a poll builds it once (path serializing is the costly part).
  const query = createQuerySerializer();
  const base = removeTrailingSlash(new URL(baseUrl).href);
  let last: [accountId: string, definitionId: string, url: string] | undefined;
  const urlOf = (accountId: string, definitionId: string, params: Record<string, unknown>) => {
    if (last?.[0] !== accountId || last[1] !== definitionId) {
      const path = { accountId, definitionId };
      const url = createFinalURL(PATH, {
        baseUrl: base,
        params: { path },
        querySerializer: () => "",
        pathSerializer,
      });
      last = [accountId, definitionId, url];
    }
    const search = query(params);
    return search ? `${last[2]}?${search}` : last[2];
  };

  /** The response, its URL, its data and its error text, as openapi-fetch's `GET` (`parseAs: "text"`) gives them. */
  async function get(wire: ListWorkflowInstancesParams, signal: AbortSignal | undefined) {
    const { accountId, definitionId, ...search } = wire;
    if (middleware) {
      const params = { path: { accountId, definitionId }, query: search };
      const { data, error, response } = await raw.GET(PATH, {
        params,
        parseAs: "text",
        ...(signal ? { signal } : {}),
      });
      // openapi-fetch gives `undefined` for an empty body with Content-Length: 0 (JSON.stringify("") is '""').
      const text = typeof error === "string" ? error : error === undefined ? "" : JSON.stringify(error);
      return [response, response.url, data, text] as const;
    }
    const url = urlOf(accountId, definitionId, search);
    const { response, body } = await transport.get(url, signal);
    return [response, url, body, body] as const;
  }

  async function fetchPage(
    wire: ListWorkflowInstancesParams,
    call: CallOptions,
    /** A page of a walk: more instances than `limit` would throw its offsets off. */
    walking = false,
  ): Promise<WorkflowInstance[]> {
    const [response, url, data, text] = await get(wire, call.signal);
    const request = { method: "GET", url };
    if (!response.ok) throw WorkflowsApiError.from(request, response, text);
    let page: unknown;
    try {
      page = JSON.parse(data ?? "");
    } catch {
      throw new InvalidResponseError(
        request,
        response.status,
        excerpt(data ?? ""),
        "a body that is not JSON",
      );
    }
    if (!Array.isArray(page)) {
      throw new InvalidResponseError(
        request,
        response.status,
        excerpt(data ?? ""),
        "JSON that is not an array",
      );
    }
    const problem = pageProblem(page, walking ? wire.limit : undefined);
    if (problem) throw new InvalidResponseError(request, response.status, excerpt(data ?? ""), problem);
    return page as WorkflowInstance[];
  }

  async function listWorkflowInstances(params: ListWorkflowInstancesInput, call: CallOptions = {}) {
    const wire = toWire(params);
    if (validate) validateParameters(wire);
    return fetchPage(wire, call);
  }

  async function* iterateWorkflowInstancePages(
    params: IterateWorkflowInstancesInput,
    call: CallOptions = {},
  ) {
    const {
      pageSize = DEFAULT_PAGE_SIZE,
      maxItems = Number.POSITIVE_INFINITY,
      prefetch = 0,
      ...filters
    } = params ?? {};
    if (!(maxItems === Number.POSITIVE_INFINITY || (Number.isInteger(maxItems) && maxItems >= 0))) {
      throw new InvalidParameterError("maxItems", maxItems, "must be an integer >= 0");
    }
    if (!Number.isInteger(prefetch) || prefetch < 0 || prefetch > 16) {
      throw new InvalidParameterError("prefetch", prefetch, "must be an integer from 0 to 16");
    }
    const wire = toWire(filters as ListWorkflowInstancesInput);
    if (validate) {
      try {
        validateParameters({ ...wire, limit: pageSize });
      } catch (error) {
        // The walk's page size is the spec's limit; name the option the caller actually set.
        if (error instanceof InvalidParameterError && error.parameter === "limit") {
          throw new InvalidParameterError("pageSize", pageSize, error.reason);
        }
        throw error;
      }
    }
    yield* walkPages((page, signal) => fetchPage({ ...wire, ...page }, signal ? { signal } : call, true), {
      pageSize: Math.min(pageSize, Math.max(1, maxItems)),
      maxItems,
      offsetUnit,
      startTimeTo: wire.startTimeTo,
      version: wire.version,
      prefetch,
      signal: call.signal,
    });
  }

  async function* iterateWorkflowInstances(params: IterateWorkflowInstancesInput, call: CallOptions = {}) {
    for await (const page of iterateWorkflowInstancePages(params, call)) yield* page;
  }

  return { listWorkflowInstances, iterateWorkflowInstances, iterateWorkflowInstancePages, offsetUnit, raw };
}
