// The reference provider's state and semantics, without I/O: data, filters, order, paging, pinning,
// the offset unit, parameter checks, faults and error bodies. The adapters (handler, node:http,
// fetch) only translate requests to `list` calls and answers to HTTP.
import {
  type ApiErrorBody,
  checkListWorkflowInstancesParameters,
  listWorkflowInstancesParameters,
  type OffsetUnit,
  offsetUnit as specOffsetUnit,
  toTicks,
  type WorkflowInstance,
} from "@workflows-kit/types";
import { type Definition, formatTimestamp, generateDataset } from "./dataset.js";

export interface StoreOptions {
  /** Seed of the generated demo data set (ignored when `definitions` or `instances` is given). Default 1. */
  seed?: number | undefined;
  /** The data to serve instead of the generated demo set. */
  definitions?: Definition[] | undefined;
  /** Or just instances: grouped into definitions by `definitionId` and `data.accountId`. */
  instances?: WorkflowInstance[] | undefined;
  /** Bearer keys that are accepted. Default: any non-empty bearer token. */
  apiKeys?: string[] | undefined;
  /** What `offset` counts. Default: what the spec states; override to play a server that disagrees. */
  offsetUnit?: OffsetUnit | undefined;
  /** The clock of error bodies' `timestamp`, in ms since the epoch. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Makes each error body's `errorId`. Default `crypto.randomUUID`. */
  errorId?: (() => string) | undefined;
}

/** What the next requests answer instead of the data: see `failNext`. */
export interface Fault {
  status: number;
  retryAfterSeconds?: number | undefined;
  code?: number | undefined;
  message?: string | undefined;
}

export interface RecordedRequest {
  method: string;
  url: string;
}

/** One `GET …/accounts/{accountId}/definitions/{definitionId}/workflows` as the store reads it. */
export interface ListRequest {
  /** The path segment as sent (percent-encoded); the store decodes it. */
  accountId: string;
  /** The path segment as sent (percent-encoded); the store decodes it. */
  definitionId: string;
  /** The bearer token; undefined when the request had none. */
  apiKey: string | undefined;
  /** The query string (`limit=5&offset=1`), or its parsed form; names the spec lacks are ignored. */
  query?: string | URLSearchParams | Record<string, string> | undefined;
}

export interface PageAnswer {
  status: 200;
  /** The page, newest first. */
  instances: WorkflowInstance[];
}
export interface ErrorAnswer {
  status: number;
  error: ApiErrorBody;
  /** Sent as `Retry-After` when set. */
  retryAfterSeconds?: number | undefined;
}
export type Answer = PageAnswer | ErrorAnswer;

/** What both the store and a running provider offer to set up and inspect the data. */
export interface ProviderState {
  /** The last 1 000 requests, oldest first. */
  readonly requests: RecordedRequest[];
  /** Replaces all data. */
  setDefinitions(definitions: Definition[]): void;
  /** Adds or replaces one definition. */
  setDefinition(definition: Definition): void;
  /** Adds instances to a definition, as if just created (they sort by `startedAt`). */
  insertInstances(definitionId: string, instances: WorkflowInstance[]): void;
  /** Changes fields of one stored instance (e.g. status → "Terminated", completedAt), as the real
   *  API would show it on the next read. Throws for an unknown definition or workflowId. */
  updateInstance(definitionId: string, workflowId: string, patch: Partial<WorkflowInstance>): void;
  /** The next `count` requests to the workflows route answer `fault` with the spec's error body
   *  ({code, message, errorId, timestamp}; default code 1100 for 429, 1 for 5xx) and, when given,
   *  `Retry-After: <retryAfterSeconds>`. Later calls queue after earlier ones. */
  failNext(count: number, fault: Fault): void;
  /** Drops the faults not yet answered. */
  clearFaults(): void;
  /** Every definition, with its instances newest first. */
  definitions(): Definition[];
  /** Which bearer keys are accepted from now on; undefined accepts any non-empty key. */
  setApiKeys(apiKeys: string[] | undefined): void;
}

interface Entry {
  instance: WorkflowInstance;
  ticks: bigint;
  sequence: number;
}
interface StoredDefinition {
  definitionId: string;
  accountId: string;
  latestVersion: number | undefined;
  /** Newest first: by startedAt, then the later-inserted one first. */
  entries: Entry[];
  /** Derived from `entries` on first use; dropped when they change. */
  derived?: Derived | undefined;
}
interface Derived {
  /** The version served when none is asked for. */
  latest: number;
  /** The entries of one version (and status), in the same order: key `version` or `version status`. */
  views: Map<string, Entry[]>;
}

const REQUEST_LOG_SIZE = 1_000;
// Views by version/status per definition: a handful in practice, bounded for odd clients.
const MAX_VIEWS = 64;
const INTEGER = /^-?\d+$/;
const PATH_PARAMETERS = new Set(["accountId", "definitionId"]);
/** The spec's error codes by status, for faults that name none. */
const DEFAULT_CODES: Record<number, number> = { 400: 1000, 401: 1200, 403: 1201, 404: 1300, 429: 1100 };
const DEFAULT_MESSAGES: Record<number, string> = {
  400: "Invalid parameter.",
  401: "Unauthorized.",
  403: "Forbidden.",
  404: "Not found.",
  429: "Too many requests.",
};
const defaultMessage = (status: number) =>
  DEFAULT_MESSAGES[status] ?? (status >= 500 ? "Internal server error." : "Request failed.");

/** The first index of `list` where `past` holds (it must hold from some index on), by bisection. */
function firstWhere(list: Entry[], past: (entry: Entry) => boolean): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (past(list[middle] as Entry)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function groupByDefinition(instances: WorkflowInstance[]): Definition[] {
  const groups = new Map<string, Definition>();
  for (const instance of instances) {
    const key = `${instance.definitionId} ${instance.data.accountId}`;
    const group = groups.get(key) ?? {
      definitionId: instance.definitionId,
      accountId: instance.data.accountId,
      instances: [],
    };
    group.instances.push(instance);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function checkFault(count: number, fault: Fault): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`failNext: count must be an integer >= 1 (got ${count})`);
  }
  if (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599) {
    throw new RangeError(
      `failNext: fault.status must be an HTTP status from 400 to 599 (got ${fault.status})`,
    );
  }
  const { retryAfterSeconds: seconds, code } = fault;
  if (seconds !== undefined && (!Number.isSafeInteger(seconds) || seconds < 0)) {
    throw new RangeError(`failNext: fault.retryAfterSeconds must be an integer >= 0 (got ${seconds})`);
  }
  if (code !== undefined && !Number.isSafeInteger(code)) {
    throw new RangeError(`failNext: fault.code must be an integer (got ${code})`);
  }
}

/** The reference provider's data and semantics, in memory: serve it with `startProvider({ store })`,
 *  `createProviderFetch(store)` or `createProviderHandler(store)`. */
export class ProviderStore implements ProviderState {
  /** What `offset` counts. */
  readonly offsetUnit: OffsetUnit;
  readonly requests: RecordedRequest[] = [];
  #keys: Set<string> | undefined;
  #data = new Map<string, StoredDefinition>();
  #faults: { remaining: number; fault: Fault }[] = [];
  #sequence = 0;
  #now: () => number;
  #errorId: () => string;

  constructor(options: StoreOptions = {}) {
    const { seed = 1, offsetUnit = specOffsetUnit } = options;
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer (got ${seed})`);
    if (offsetUnit !== "pages" && offsetUnit !== "items") {
      throw new RangeError(`offsetUnit must be "pages" or "items" (got ${String(offsetUnit)})`);
    }
    this.offsetUnit = offsetUnit;
    this.#now = options.now ?? Date.now;
    this.#errorId = options.errorId ?? (() => crypto.randomUUID());
    this.setApiKeys(options.apiKeys);
    this.setDefinitions(
      options.definitions ??
        (options.instances ? groupByDefinition(options.instances) : generateDataset(seed)),
    );
  }

  setDefinitions(definitions: Definition[]): void {
    this.#data.clear();
    for (const definition of definitions) this.setDefinition(definition);
  }

  setDefinition(definition: Definition): void {
    this.#data.set(definition.definitionId.toLowerCase(), {
      definitionId: definition.definitionId,
      accountId: definition.accountId,
      latestVersion: definition.latestVersion,
      entries: this.#sort(definition.instances.map((instance) => this.#entry(instance))),
    });
  }

  insertInstances(definitionId: string, instances: WorkflowInstance[]): void {
    const definition = this.#definition(definitionId);
    definition.entries = this.#sort([
      ...definition.entries,
      ...instances.map((instance) => this.#entry(instance)),
    ]);
    definition.derived = undefined;
  }

  updateInstance(definitionId: string, workflowId: string, patch: Partial<WorkflowInstance>): void {
    const definition = this.#definition(definitionId);
    const index = definition.entries.findIndex((entry) => entry.instance.workflowId === workflowId);
    const entry = definition.entries[index];
    if (!entry) throw new Error(`unknown workflowId ${workflowId} in definition ${definitionId}`);
    for (const key of ["workflowId", "definitionId"] as const) {
      if (patch[key] !== undefined && patch[key] !== entry.instance[key]) {
        throw new TypeError(`updateInstance cannot change ${key} (it identifies the instance)`);
      }
    }
    const instance = { ...entry.instance, ...patch };
    definition.entries[index] = { ...entry, instance, ticks: toTicks(instance.startedAt) ?? 0n };
    if (patch.startedAt !== undefined) this.#sort(definition.entries);
    definition.derived = undefined;
  }

  failNext(count: number, fault: Fault): void {
    checkFault(count, fault);
    this.#faults.push({ remaining: count, fault: { ...fault } });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  definitions(): Definition[] {
    return [...this.#data.values()].map((d) => ({
      definitionId: d.definitionId,
      accountId: d.accountId,
      ...(d.latestVersion === undefined ? {} : { latestVersion: d.latestVersion }),
      instances: d.entries.map((e) => e.instance),
    }));
  }

  setApiKeys(apiKeys: string[] | undefined): void {
    this.#keys = apiKeys ? new Set(apiKeys) : undefined;
  }

  /** Adds a request to `requests` (the adapters call it for every request they receive). */
  record(request: RecordedRequest): void {
    this.requests.push(request);
    if (this.requests.length > REQUEST_LOG_SIZE) this.requests.shift();
  }

  /** An error answer in the spec's shape, with a fresh errorId and the store's clock. */
  error(status: number, code: number, message: string): ErrorAnswer {
    return {
      status,
      error: { code, message, errorId: this.#errorId(), timestamp: formatTimestamp(this.#now(), 7) },
    };
  }

  /**
   * Answers one list request, in the order the API checks: a queued fault, the bearer key (401),
   * the parameters against the spec (400), the definition (404), then the page.
   */
  list(request: ListRequest): Answer {
    const fault = this.#takeFault();
    if (fault) return fault;
    if (
      request.apiKey === undefined ||
      request.apiKey === "" ||
      (this.#keys && !this.#keys.has(request.apiKey))
    ) {
      return this.error(401, 1200, "Unauthorized.");
    }
    let accountId: string;
    let definitionId: string;
    try {
      accountId = decodeURIComponent(request.accountId);
      definitionId = decodeURIComponent(request.definitionId);
    } catch {
      return this.error(400, 1000, "Invalid path parameter encoding.");
    }
    const query =
      request.query instanceof URLSearchParams ? request.query : new URLSearchParams(request.query ?? "");
    const params: Record<string, unknown> = { accountId, definitionId };
    for (const [name, { schema }] of Object.entries(listWorkflowInstancesParameters)) {
      const raw = query.get(name);
      if (raw === null || PATH_PARAMETERS.has(name)) continue;
      params[name] = schema.type === "integer" && INTEGER.test(raw) ? Number(raw) : raw;
    }
    const problem = checkListWorkflowInstancesParameters(params);
    if (problem) {
      const message =
        problem.parameter === "definitionId"
          ? "Invalid definition id."
          : `Invalid ${problem.parameter}: ${problem.reason}.`;
      return this.error(400, 1000, message);
    }
    const definition = this.#data.get(definitionId.toLowerCase());
    if (!definition || definition.accountId !== accountId) {
      return this.error(404, 1300, `Definition ${definitionId} not found.`);
    }
    return { status: 200, instances: this.#page(definition, params) };
  }

  /**
   * One page: the instances of the version (latest by default) and status asked for, newest first,
   * within the inclusive date range, `limit` of them from `offset` (in `offsetUnit`). The view is a
   * cached filter of the sorted entries, the date range two bisections of it, the offset a slice.
   */
  #page(definition: StoredDefinition, params: Record<string, unknown>): WorkflowInstance[] {
    const derived = this.#derive(definition);
    const limit =
      (params.limit as number | undefined) ?? listWorkflowInstancesParameters.limit.schema.default;
    const offset =
      (params.offset as number | undefined) ?? listWorkflowInstancesParameters.offset.schema.default;
    const version = (params.version as number | undefined) ?? derived.latest;
    const status = params.status as string | undefined;
    const from = typeof params.startTimeFrom === "string" ? toTicks(params.startTimeFrom) : undefined;
    const to = typeof params.startTimeTo === "string" ? toTicks(params.startTimeTo) : undefined;
    const start = this.offsetUnit === "pages" ? offset * limit : offset;

    const viewKey = status === undefined ? `${version}` : `${version} ${status}`;
    let view = derived.views.get(viewKey);
    if (!view) {
      view = definition.entries.filter(
        ({ instance }) =>
          instance.version === version && (status === undefined || instance.status === status),
      );
      if (derived.views.size >= MAX_VIEWS) derived.views.clear();
      derived.views.set(viewKey, view);
    }
    const first = to === undefined ? 0 : firstWhere(view, (entry) => entry.ticks <= to);
    const end = from === undefined ? view.length : firstWhere(view, (entry) => entry.ticks < from);
    return view
      .slice(Math.min(first + start, end), Math.min(first + start + limit, end))
      .map((entry) => entry.instance);
  }

  #derive(definition: StoredDefinition): Derived {
    definition.derived ??= {
      latest:
        definition.latestVersion ??
        definition.entries.reduce((max, e) => Math.max(max, e.instance.version), 1),
      views: new Map(),
    };
    return definition.derived;
  }

  #takeFault(): ErrorAnswer | undefined {
    const head = this.#faults[0];
    if (!head) return undefined;
    if (--head.remaining === 0) this.#faults.shift();
    const { status, code, message, retryAfterSeconds } = head.fault;
    const answer = this.error(status, code ?? DEFAULT_CODES[status] ?? 1, message ?? defaultMessage(status));
    return retryAfterSeconds === undefined ? answer : { ...answer, retryAfterSeconds };
  }

  #definition(definitionId: string): StoredDefinition {
    const definition = this.#data.get(definitionId.toLowerCase());
    if (!definition) throw new Error(`unknown definition ${definitionId}`);
    return definition;
  }

  #entry(instance: WorkflowInstance): Entry {
    return { instance, ticks: toTicks(instance.startedAt) ?? 0n, sequence: this.#sequence++ };
  }

  #sort(entries: Entry[]): Entry[] {
    return entries.sort((a, b) =>
      a.ticks === b.ticks ? b.sequence - a.sequence : a.ticks > b.ticks ? -1 : 1,
    );
  }
}
