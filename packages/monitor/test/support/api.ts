// The workflow-instances endpoint in memory, as the client's injected `fetch`: newest first,
// `status`/`version`/`startTimeFrom`/`startTimeTo` filters, `offset` in pages, the spec's error body.
// Its methods are named like the reference provider's (`insertInstances`, `updateInstance`,
// `failNext`), so moving to the provider's own fetch adapter is a change of constructor.
import { toTicks, type WorkflowInstance, type WorkflowStatus } from "@workflows-kit/client";

export const API_URL = "https://api.test";
export const ACCOUNT = "acme";
export const DEFINITION = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const OTHER_DEFINITION = "9b2f7a4e-51c3-4d8a-b0e6-2f4c8d1a7e35";

export interface Fault {
  status: number;
  retryAfterSeconds?: number;
  code?: number;
  message?: string;
}

let serial = 0;
/** An instance of DEFINITION; ids are 24 hex digits, unique per test run. */
export function instance(
  startedAt: string,
  status: WorkflowStatus = "Terminated",
  overrides: Partial<WorkflowInstance> = {},
): WorkflowInstance {
  serial += 1;
  return {
    workflowId: `60dbe307${serial.toString(16).padStart(16, "0")}`,
    data: { accountId: ACCOUNT, triggeredAt: startedAt },
    definitionId: DEFINITION,
    version: 1,
    status,
    startedAt,
    completedAt: status === "Complete" || status === "Terminated" ? startedAt : null,
    ...overrides,
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const errorBody = (code: number, message: string) => ({
  code,
  message,
  errorId: "2558ff83-c8db-4890-805e-ad64001857a1",
  timestamp: "2021-07-13T01:28:37.66Z",
});

export class FakeApi {
  readonly #definitions = new Map<string, WorkflowInstance[]>();
  readonly #faults: (Fault | "network" | "pass")[] = [];
  /** Every request's URL, oldest first. */
  readonly requests: URL[] = [];
  /** Authorization headers seen, to prove where the key goes. */
  readonly authorizations: string[] = [];

  constructor(definitions: Record<string, WorkflowInstance[]> = { [DEFINITION]: [] }) {
    for (const [id, instances] of Object.entries(definitions)) this.#definitions.set(id, [...instances]);
  }

  insertInstances(definitionId: string, instances: WorkflowInstance[]): void {
    this.#definitions.get(definitionId)?.push(...instances);
  }

  updateInstance(definitionId: string, workflowId: string, patch: Partial<WorkflowInstance>): void {
    const list = this.#definitions.get(definitionId) ?? [];
    const index = list.findIndex((i) => i.workflowId === workflowId);
    if (index < 0) throw new Error(`unknown instance ${workflowId}`);
    list[index] = { ...(list[index] as WorkflowInstance), ...patch };
  }

  /** The next `count` requests answer `fault`, fail as a network error, or (`pass`) are served as usual. */
  failNext(count: number, fault: Fault | "network" | "pass"): void {
    for (let i = 0; i < count; i++) this.#faults.push(fault);
  }

  /** The query parameters of each request, as plain objects. */
  get queries(): Record<string, string>[] {
    return this.requests.map((url) => Object.fromEntries(url.searchParams));
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    this.requests.push(url);
    this.authorizations.push(request.headers.get("authorization") ?? "");
    const fault = this.#faults.shift();
    if (fault === "network") throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
    if (fault && fault !== "pass") {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
      return json(
        fault.status,
        errorBody(fault.code ?? (fault.status === 429 ? 1100 : 1), fault.message ?? "Fault."),
        headers,
      );
    }
    const definitionId = /\/definitions\/([^/]+)\/workflows$/.exec(url.pathname)?.[1] ?? "";
    const list = this.#definitions.get(definitionId);
    if (!list) return json(404, errorBody(1300, `Definition ${definitionId} not found.`));
    const q = url.searchParams;
    const ticks = (name: string) => (q.has(name) ? toTicks(q.get(name) as string) : undefined);
    const [from, to] = [ticks("startTimeFrom"), ticks("startTimeTo")];
    const version = Number(q.get("version") ?? Math.max(1, ...list.map((i) => i.version)));
    const limit = Number(q.get("limit") ?? 100);
    const offset = Number(q.get("offset") ?? 0);
    const matching = list
      .map((item, index) => ({ item, index, at: toTicks(item.startedAt) ?? 0n }))
      .filter(({ item }) => item.version === version && (!q.has("status") || item.status === q.get("status")))
      .filter(({ at }) => (from === undefined || at >= from) && (to === undefined || at <= to))
      .sort((a, b) => (a.at === b.at ? b.index - a.index : a.at > b.at ? -1 : 1))
      .map(({ item }) => item);
    return json(200, matching.slice(offset * limit, offset * limit + limit));
  };
}
