import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
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

export interface ProviderOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Seed of the generated demo data set (ignored when `definitions` is given). */
  seed?: number;
  /** The data to serve instead of the generated demo set. */
  definitions?: Definition[];
  /** Or just instances: grouped into definitions by `definitionId` and `data.accountId`. */
  instances?: WorkflowInstance[];
  /** Bearer keys that are accepted. Default: any non-empty bearer token. */
  apiKeys?: string[];
  /** What `offset` counts. Default: what the spec states; override to play a server that disagrees. */
  offsetUnit?: OffsetUnit;
}

export interface RecordedRequest {
  method: string;
  url: string;
}

export interface Provider {
  url: string;
  /** The last 1 000 requests, oldest first. */
  readonly requests: RecordedRequest[];
  /** Replaces all data. */
  setDefinitions(definitions: Definition[]): void;
  /** Adds or replaces one definition. */
  setDefinition(definition: Definition): void;
  /** Adds instances to a definition, as if just created (they sort by `startedAt`). */
  insertInstances(definitionId: string, instances: WorkflowInstance[]): void;
  /** Every definition, with its instances newest first. */
  definitions(): Definition[];
  /** Which bearer keys are accepted from now on; undefined accepts any non-empty key. */
  setApiKeys(apiKeys: string[] | undefined): void;
  close(): Promise<void>;
}

interface Entry {
  instance: WorkflowInstance;
  ticks: bigint;
  sequence: number;
  /** The instance's JSON (UTF-8), made the first time it is served. */
  json?: Buffer;
}
interface Reply {
  status: number;
  /** A page, already serialized; else `body` is. */
  json?: Buffer;
  body?: unknown;
}
interface StoredDefinition {
  definitionId: string;
  accountId: string;
  latestVersion: number | undefined;
  /** Newest first: by startedAt, then the later-inserted one first. */
  entries: Entry[];
  /** What is derived from `entries` to answer fast, made on first use; dropped when they change. */
  derived?: Derived | undefined;
}
interface Derived {
  /** The version served when none is asked for. */
  latest: number;
  /** The entries of one version (and status), in the same order: `version` or `version status`. */
  views: Map<string, Entry[]>;
  /** Serialized pages by query, for repeated queries (a poll, a load test). */
  pages: Map<string, Buffer>;
}

const WORKFLOWS_PATH = /^\/api\/v1\/accounts\/([^/]+)\/definitions\/([^/]+)\/workflows$/;
const INTEGER = /^-?\d+$/;
const REQUEST_LOG_SIZE = 1_000;
// Bounds of the derived caches of one definition: views by version/status, serialized pages
// (at most 256 of up to 64 KiB: repeated small queries; a walk's large pages are each asked once).
const MAX_VIEWS = 64;
const MAX_PAGES = 256;
const MAX_CACHED_PAGE_BYTES = 64 * 1024;
const [OPEN, COMMA, CLOSE] = ["[", ",", "]"].map((text) => Buffer.from(text)) as [Buffer, Buffer, Buffer];

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

/** Adds `key` → `value` to `cache`, evicting the oldest entry past `max`. */
function remember<V>(cache: Map<string, V>, key: string, value: V, max: number): V {
  if (cache.size >= max) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
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

/** Starts the reference provider on loopback; resolves once it is listening. */
export async function startProvider(options: ProviderOptions = {}): Promise<Provider> {
  const unit = options.offsetUnit ?? specOffsetUnit;
  let keys = options.apiKeys ? new Set(options.apiKeys) : undefined;
  const store = new Map<string, StoredDefinition>();
  const requests: RecordedRequest[] = [];
  let sequence = 0;

  const toEntry = (instance: WorkflowInstance): Entry => ({
    instance,
    ticks: toTicks(instance.startedAt) ?? 0n,
    sequence: sequence++,
  });
  const sort = (entries: Entry[]) =>
    entries.sort((a, b) => (a.ticks === b.ticks ? b.sequence - a.sequence : a.ticks > b.ticks ? -1 : 1));

  function setDefinition(definition: Definition): void {
    store.set(definition.definitionId.toLowerCase(), {
      definitionId: definition.definitionId,
      accountId: definition.accountId,
      latestVersion: definition.latestVersion,
      entries: sort(definition.instances.map(toEntry)),
    });
  }
  function setDefinitions(definitions: Definition[]): void {
    store.clear();
    for (const definition of definitions) setDefinition(definition);
  }
  setDefinitions(
    options.definitions ??
      (options.instances ? groupByDefinition(options.instances) : generateDataset(options.seed ?? 1)),
  );

  function errorReply(status: number, code: number, message: string): Reply {
    const body: ApiErrorBody = {
      code,
      message,
      errorId: randomUUID(),
      timestamp: formatTimestamp(Date.now(), 7),
    };
    return { status, body };
  }

  const authorized = (req: IncomingMessage) => {
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    return token !== undefined && (!keys || keys.has(token));
  };

  // Replies by request URL: a repeated query (a poll, a load test) skips parsing and checking. An
  // entry holds while its definition, and what was derived from its instances, are still current.
  interface Known {
    key: string;
    definition: StoredDefinition;
    derived: Derived | undefined;
    json: Buffer;
  }
  const replies = new Map<string, Known>();

  function handle(req: IncomingMessage): Reply {
    requests.push({ method: req.method ?? "", url: req.url ?? "" });
    if (requests.length > REQUEST_LOG_SIZE) requests.shift();
    const known = req.method === "GET" ? replies.get(req.url ?? "") : undefined;
    if (
      known &&
      store.get(known.key) === known.definition &&
      known.definition.derived === known.derived &&
      authorized(req)
    ) {
      return { status: 200, json: known.json };
    }
    const url = new URL(req.url ?? "/", "http://provider.local");
    const match = WORKFLOWS_PATH.exec(url.pathname);
    if (!match) return errorReply(404, 1300, `No route for ${url.pathname}.`);
    if (req.method !== "GET") return errorReply(405, 1000, `Method ${req.method} is not allowed.`);

    if (!authorized(req)) return errorReply(401, 1200, "Unauthorized.");

    let accountId: string;
    let definitionId: string;
    try {
      accountId = decodeURIComponent(match[1] ?? "");
      definitionId = decodeURIComponent(match[2] ?? "");
    } catch {
      return errorReply(400, 1000, "Invalid path parameter encoding.");
    }
    const params: Record<string, unknown> = { accountId, definitionId };
    for (const name of Object.keys(listWorkflowInstancesParameters)) {
      const raw = url.searchParams.get(name);
      if (raw === null || name === "accountId" || name === "definitionId") continue;
      const { schema } =
        listWorkflowInstancesParameters[name as keyof typeof listWorkflowInstancesParameters];
      params[name] = schema.type === "integer" && INTEGER.test(raw) ? Number(raw) : raw;
    }
    const problem = checkListWorkflowInstancesParameters(params);
    if (problem) {
      const message =
        problem.parameter === "definitionId"
          ? "Invalid definition id."
          : `Invalid ${problem.parameter}: ${problem.reason}.`;
      return errorReply(400, 1000, message);
    }

    const key = definitionId.toLowerCase();
    const definition = store.get(key);
    if (!definition || definition.accountId !== accountId) {
      return errorReply(404, 1300, `Definition ${definitionId} not found.`);
    }
    const json = page(definition, params);
    if (json.length <= MAX_CACHED_PAGE_BYTES) {
      remember(replies, req.url ?? "", { key, definition, derived: definition.derived, json }, MAX_PAGES);
    }
    return { status: 200, json };
  }

  function derive(definition: StoredDefinition): Derived {
    definition.derived ??= {
      latest:
        definition.latestVersion ??
        definition.entries.reduce((max, e) => Math.max(max, e.instance.version), 1),
      views: new Map(),
      pages: new Map(),
    };
    return definition.derived;
  }

  /**
   * One page: the instances of the version (and status) asked for, newest first, within the date
   * range, `limit` of them from `offset`. The version/status view is a cached filter of the sorted
   * entries, the date range two bisections of it (it is sorted by startedAt), the offset a slice;
   * the body is the instances' cached JSON bytes put together (no JSON.stringify per request).
   */
  function page(definition: StoredDefinition, params: Record<string, unknown>): Buffer {
    const derived = derive(definition);
    const limit =
      (params.limit as number | undefined) ?? listWorkflowInstancesParameters.limit.schema.default;
    const offset =
      (params.offset as number | undefined) ?? listWorkflowInstancesParameters.offset.schema.default;
    const version = (params.version as number | undefined) ?? derived.latest;
    const status = params.status as string | undefined;
    const from = typeof params.startTimeFrom === "string" ? toTicks(params.startTimeFrom) : undefined;
    const to = typeof params.startTimeTo === "string" ? toTicks(params.startTimeTo) : undefined;
    const start = unit === "pages" ? offset * limit : offset;

    const key = `${limit} ${start} ${version} ${status ?? ""} ${from ?? ""} ${to ?? ""}`;
    const cached = derived.pages.get(key);
    if (cached) return cached;

    const viewKey = status === undefined ? `${version}` : `${version} ${status}`;
    const view =
      derived.views.get(viewKey) ??
      remember(
        derived.views,
        viewKey,
        definition.entries.filter(
          ({ instance }) =>
            instance.version === version && (status === undefined || instance.status === status),
        ),
        MAX_VIEWS,
      );
    const first = to === undefined ? 0 : firstWhere(view, (entry) => entry.ticks <= to);
    const end = from === undefined ? view.length : firstWhere(view, (entry) => entry.ticks < from);
    const slice = view.slice(Math.min(first + start, end), Math.min(first + start + limit, end));
    const parts = [OPEN];
    for (const entry of slice) {
      if (parts.length > 1) parts.push(COMMA);
      entry.json ??= Buffer.from(JSON.stringify(entry.instance));
      parts.push(entry.json);
    }
    parts.push(CLOSE);
    const body = Buffer.concat(parts);
    return body.length > MAX_CACHED_PAGE_BYTES ? body : remember(derived.pages, key, body, MAX_PAGES);
  }

  const server = createServer((req, res) => {
    let reply: Reply;
    try {
      reply = handle(req);
    } catch (error) {
      // A bug here must answer like the API does, not hang the client.
      reply = errorReply(500, 1, error instanceof Error ? error.message : "Internal error.");
    }
    const body = reply.json ?? Buffer.from(JSON.stringify(reply.body));
    res.writeHead(reply.status, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    requests,
    setDefinitions,
    setDefinition,
    insertInstances(definitionId, instances) {
      const definition = store.get(definitionId.toLowerCase());
      if (!definition) throw new Error(`unknown definition ${definitionId}`);
      definition.entries = sort([...definition.entries, ...instances.map(toEntry)]);
      definition.derived = undefined;
    },
    definitions: () =>
      [...store.values()].map((d) => ({
        definitionId: d.definitionId,
        accountId: d.accountId,
        ...(d.latestVersion === undefined ? {} : { latestVersion: d.latestVersion }),
        instances: d.entries.map((e) => e.instance),
      })),
    setApiKeys(apiKeys) {
      keys = apiKeys ? new Set(apiKeys) : undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
