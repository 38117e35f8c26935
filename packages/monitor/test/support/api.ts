// The API of the monitor's unit tests: the reference provider in memory (`createProviderFetch`:
// newest first, the filters, `offset` in pages, the spec's errors, faults queued with `failNext`)
// behind an observed fetch, which records each Request as the client sent it and can plan a fault
// for one request number, including a network failure the provider never sees.
import type { WorkflowInstance, WorkflowStatus } from "@workflows-kit/client";
import { createProviderFetch, type Fault, type ProviderStore } from "@workflows-kit/provider";
import { createObservedFetch, networkError } from "@workflows-kit/testing";

export const API_URL = "https://api.test";
export const ACCOUNT = "acme";
export const DEFINITION = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const OTHER_DEFINITION = "9b2f7a4e-51c3-4d8a-b0e6-2f4c8d1a7e35";

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

export interface Api {
  readonly fetch: typeof globalThis.fetch;
  /** The provider's data and faults: `insertInstances`, `updateInstance`, `failNext`. */
  readonly store: ProviderStore;
  /** Every request, as the client sent it. */
  readonly requests: readonly Request[];
  /** The query parameters of each request, as plain objects. */
  queries(): Record<string, string>[];
  /**
   * Request number `index` (0-based, counting every request so far) answers `fault` (the provider's
   * `failNext` for that one request), or fails before any answer (`"network"`); the others are served.
   */
  failRequest(index: number, fault: Fault | "network"): void;
}

/** The provider serving `definitions` (id → instances) of ACCOUNT. */
export function createApi(definitions: Record<string, WorkflowInstance[]> = { [DEFINITION]: [] }): Api {
  const provider = createProviderFetch({
    definitions: Object.entries(definitions).map(([definitionId, instances]) => ({
      definitionId,
      accountId: ACCOUNT,
      instances,
    })),
  });
  const planned = new Map<number, Fault | "network">();
  const observed = createObservedFetch((request, index) => {
    const fault = planned.get(index);
    if (fault === "network") return networkError();
    if (fault) provider.store.failNext(1, fault);
    return provider(request);
  });
  return {
    fetch: observed.fetch,
    store: provider.store,
    requests: observed.requests,
    queries: () => observed.requests.map((request) => Object.fromEntries(new URL(request.url).searchParams)),
    failRequest: (index, fault) => void planned.set(index, fault),
  };
}
