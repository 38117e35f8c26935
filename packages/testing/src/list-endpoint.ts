/**
 * The list endpoint in memory, as the reference provider serves it: newest first (a later insert
 * first among equal `startedAt`), the latest version unless `version` is given, `status` and the
 * inclusive date range, then `limit` items from `offset` in the configured unit. Bad parameters get
 * the spec's 400, a missing key its 401. For unit tests of walks (and inserts during them) without a
 * socket.
 */
import {
  checkListWorkflowInstancesParameters,
  listWorkflowInstancesParameters,
  type OffsetUnit,
  offsetUnit as specOffsetUnit,
  toTicks,
  type WorkflowInstance,
} from "@workflows-kit/types";
import { errorBody } from "./api.js";
import { type FetchHandler, json } from "./fetch.js";

export interface ListEndpointOptions {
  instances?: readonly WorkflowInstance[];
  /** What `offset` counts. Default: the spec's unit (pages). */
  offsetUnit?: OffsetUnit;
  /** The version served without `version`. Default: the highest version among the instances. */
  latestVersion?: number;
}

export interface ListEndpoint {
  /** Answers `GET /api/v1/accounts/{accountId}/definitions/{definitionId}/workflows` (any ids). */
  readonly handler: FetchHandler;
  /** Every instance, newest first, as it is served. */
  instances(): WorkflowInstance[];
  /** Adds instances as if just created. */
  insert(instances: readonly WorkflowInstance[]): void;
  setLatestVersion(version: number | undefined): void;
}

const PATH = /\/api\/v1\/accounts\/([^/]+)\/definitions\/([^/]+)\/workflows$/;
const INTEGER = /^-?\d+$/;

interface Entry {
  instance: WorkflowInstance;
  ticks: bigint;
  sequence: number;
}

export function createListEndpoint(options: ListEndpointOptions = {}): ListEndpoint {
  const unit = options.offsetUnit ?? specOffsetUnit;
  let latestVersion = options.latestVersion;
  let entries: Entry[] = [];
  let sequence = 0;

  function insert(instances: readonly WorkflowInstance[]): void {
    const added = instances.map((instance) => ({
      instance,
      ticks: toTicks(instance.startedAt) ?? 0n,
      sequence: sequence++,
    }));
    entries = [...entries, ...added].sort((a, b) =>
      a.ticks === b.ticks ? b.sequence - a.sequence : a.ticks > b.ticks ? -1 : 1,
    );
  }
  insert(options.instances ?? []);

  const handler: FetchHandler = (request) => {
    const url = new URL(request.url);
    const match = PATH.exec(url.pathname);
    if (!match) return json(errorBody(1300, `No route for ${url.pathname}.`), 404);
    if (!/^Bearer \S+$/i.test(request.headers.get("authorization") ?? "")) {
      return json(errorBody(1200, "Unauthorized."), 401);
    }
    const params: Record<string, unknown> = {
      accountId: decodeURIComponent(match[1] ?? ""),
      definitionId: decodeURIComponent(match[2] ?? ""),
    };
    for (const [name, value] of url.searchParams) {
      const known = listWorkflowInstancesParameters[name as keyof typeof listWorkflowInstancesParameters];
      params[name] = known?.schema.type === "integer" && INTEGER.test(value) ? Number(value) : value;
    }
    const problem = checkListWorkflowInstancesParameters(params);
    if (problem) return json(errorBody(1000, `Invalid ${problem.parameter}: ${problem.reason}.`), 400);

    const { limit, offset } = listWorkflowInstancesParameters;
    const size = (params.limit as number | undefined) ?? limit.schema.default;
    const at = (params.offset as number | undefined) ?? offset.schema.default;
    const version =
      (params.version as number | undefined) ??
      latestVersion ??
      entries.reduce((max, e) => Math.max(max, e.instance.version), 1);
    const from = typeof params.startTimeFrom === "string" ? toTicks(params.startTimeFrom) : undefined;
    const to = typeof params.startTimeTo === "string" ? toTicks(params.startTimeTo) : undefined;
    const selected = entries.filter(
      ({ instance, ticks }) =>
        instance.version === version &&
        (params.status === undefined || instance.status === params.status) &&
        (from === undefined || ticks >= from) &&
        (to === undefined || ticks <= to),
    );
    const start = unit === "pages" ? at * size : at;
    return json(selected.slice(start, start + size).map((entry) => entry.instance));
  };

  return {
    handler,
    instances: () => entries.map((entry) => entry.instance),
    insert,
    setLatestVersion(version) {
      latestVersion = version;
    },
  };
}
