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
import createClient, { type Client } from "openapi-fetch";
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
  const wire: Record<string, unknown> = { ...params };
  for (const name of ["startTimeFrom", "startTimeTo"] as const) {
    const value = toWireDate(name, params[name]);
    if (value === undefined) delete wire[name];
    else wire[name] = value;
  }
  return wire as ListWorkflowInstancesParams;
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
  const raw = createClient<paths>({
    baseUrl: baseUrlOption(options.baseUrl ?? servers[0]),
    fetch: createTransport({
      apiKey: options.apiKey,
      fetch: (input, init) => baseFetch(input, init),
      maxRetries,
      timeoutMs: delayOption("timeoutMs", options.timeoutMs, 30_000, 1),
      retryBaseDelayMs: delayOption("retryBaseDelayMs", options.retryBaseDelayMs, 500),
      retryMaxDelayMs: delayOption("retryMaxDelayMs", options.retryMaxDelayMs, 8_000),
      maxRetryAfterMs: delayOption("maxRetryAfterMs", options.maxRetryAfterMs, 60_000),
    }),
  });

  async function fetchPage(
    wire: ListWorkflowInstancesParams,
    call: CallOptions,
  ): Promise<WorkflowInstance[]> {
    const { accountId, definitionId, ...query } = wire;
    const { data, error, response } = await raw.GET(PATH, {
      params: { path: { accountId, definitionId }, query },
      parseAs: "text",
      ...(call.signal ? { signal: call.signal } : {}),
    });
    const request = { method: "GET", url: response.url };
    if (!response.ok) {
      // openapi-fetch gives `undefined` for an empty body with Content-Length: 0 (JSON.stringify("") is '""').
      const text = typeof error === "string" ? error : error === undefined ? "" : JSON.stringify(error);
      throw WorkflowsApiError.from(request, response, text);
    }
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
    const { pageSize = DEFAULT_PAGE_SIZE, maxItems = Number.POSITIVE_INFINITY, ...filters } = params ?? {};
    if (!(maxItems === Number.POSITIVE_INFINITY || (Number.isInteger(maxItems) && maxItems >= 0))) {
      throw new InvalidParameterError("maxItems", maxItems, "must be an integer >= 0");
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
    yield* walkPages((page) => fetchPage({ ...wire, ...page }, call), {
      pageSize: Math.min(pageSize, Math.max(1, maxItems)),
      maxItems,
      offsetUnit,
      startTimeTo: wire.startTimeTo,
      version: wire.version,
    });
  }

  async function* iterateWorkflowInstances(params: IterateWorkflowInstancesInput, call: CallOptions = {}) {
    for await (const page of iterateWorkflowInstancePages(params, call)) yield* page;
  }

  return { listWorkflowInstances, iterateWorkflowInstances, iterateWorkflowInstancePages, offsetUnit, raw };
}
