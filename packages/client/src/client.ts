import {
  type ListWorkflowInstancesParams,
  listWorkflowInstancesOperation,
  type paths,
  type WorkflowInstance,
} from "@workflows-kit/types";
import createClient, { type Client } from "openapi-fetch";
import { WorkflowsApiError } from "./errors.js";
import {
  type CallOptions,
  type CallSettings,
  callSettings,
  clientSettings,
  type OffsetUnitOption,
  type WorkflowsClientOptions,
} from "./options.js";
import { parsePage } from "./page.js";
import { type OffsetUnitState, type PageRequest, walkPages } from "./pagination.js";
import { createTransport, type Exchange } from "./transport.js";
import { validateParameters } from "./validate.js";
import {
  DEFAULT_LIMIT,
  type IterateWorkflowInstancesInput,
  type ListWorkflowInstancesInput,
  toWalk,
  toWire,
} from "./wire.js";

export interface WorkflowsClient {
  /**
   * One page of instances, newest first. `limit` and `offset` go on the wire as given: `offset`
   * counts whatever the server counts, this call neither checks nor converts it (see `offsetUnit`).
   */
  listWorkflowInstances(
    params: ListWorkflowInstancesInput,
    options?: CallOptions | undefined,
  ): Promise<WorkflowInstance[]>;
  /** Every matching instance, newest first, fetched page by page. */
  iterateWorkflowInstances(
    params: IterateWorkflowInstancesInput,
    options?: CallOptions | undefined,
  ): AsyncIterable<WorkflowInstance>;
  /** The same walk, one array per page (for progress reporting or batch processing). */
  iterateWorkflowInstancePages(
    params: IterateWorkflowInstancesInput,
    options?: CallOptions | undefined,
  ): AsyncIterable<WorkflowInstance[]>;
  /**
   * What `offset` counts for this client's walks: the `offsetUnit` option, or the spec's unit when
   * none was given (a walk throws PaginationError if the server counts the other one). With
   * `offsetUnit: "auto"` it reads `"auto"` until a walk has seen the server's unit, then that unit.
   */
  readonly offsetUnit: OffsetUnitOption;
  /** The underlying openapi-fetch client (middleware via `raw.use`); it shares auth, retries and timeouts. */
  readonly raw: Client<paths>;
}

const PATH = listWorkflowInstancesOperation.path;

/** Creates a client for the 8x8 Automation workflow-instances API. */
export function createWorkflowsClient(options: WorkflowsClientOptions): WorkflowsClient {
  const settings = clientSettings(options);
  const transport = createTransport(settings);
  const raw = createClient<paths>({ baseUrl: settings.baseUrl, fetch: transport(settings) });
  // The server's unit, once a walk has seen it: checked once per client, shared by its walks.
  const unit: OffsetUnitState = { option: settings.offsetUnit, observed: undefined };

  /** One page through openapi-fetch, with the call's options: its instances, or the typed error. */
  async function fetchPage(
    wire: ListWorkflowInstancesParams,
    call: CallSettings,
  ): Promise<WorkflowInstance[]> {
    const { accountId, definitionId, ...query } = wire;
    // What the transport reports; a middleware that answers without a request leaves it as is.
    let exchange: Exchange = { url: "", attempts: 0, retryAfterExceeded: false };
    const { data, error, response } = await raw.GET(PATH, {
      params: { path: { accountId, definitionId }, query },
      parseAs: "text",
      fetch: transport(call, (done) => {
        exchange = done;
      }),
      signal: call.signal ?? null,
      headers: call.headers,
    });
    const request = { method: "GET", url: exchange.url || response.url };
    if (!response.ok) {
      throw WorkflowsApiError.from(request, response, error, { ...exchange, now: settings.clock.now() });
    }
    // openapi-fetch gives `undefined` for an empty body with Content-Length: 0.
    return parsePage(request, response.status, data ?? "", wire.limit ?? DEFAULT_LIMIT);
  }

  async function listWorkflowInstances(params: ListWorkflowInstancesInput, options?: CallOptions) {
    const wire = toWire(params);
    if (settings.validate) validateParameters(wire);
    return fetchPage(wire, callSettings(options, settings));
  }

  async function* iterateWorkflowInstancePages(params: IterateWorkflowInstancesInput, options?: CallOptions) {
    const { filters, pageSize, maxItems, prefetch } = toWalk(params);
    if (settings.validate) validateParameters({ ...filters, limit: pageSize }, "pageSize");
    const call = callSettings(options, settings);
    // A page requested ahead has a signal of its own (it follows the caller's).
    const fetchWalkPage = (page: PageRequest, signal?: AbortSignal) =>
      fetchPage({ ...filters, ...page }, signal ? { ...call, signal } : call);
    // The walk reads the caller's startTimeFrom, startTimeTo and version among the filters.
    yield* walkPages(fetchWalkPage, {
      ...filters,
      pageSize: Math.min(pageSize, Math.max(1, maxItems)),
      maxItems,
      unit,
      prefetch,
      signal: call.signal,
    });
  }

  async function* iterateWorkflowInstances(params: IterateWorkflowInstancesInput, options?: CallOptions) {
    for await (const page of iterateWorkflowInstancePages(params, options)) yield* page;
  }

  return {
    listWorkflowInstances,
    iterateWorkflowInstances,
    iterateWorkflowInstancePages,
    get offsetUnit(): OffsetUnitOption {
      return unit.option === "auto" ? (unit.observed ?? "auto") : unit.option;
    },
    raw,
  };
}
