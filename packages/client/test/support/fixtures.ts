import { createProviderFetch } from "@workflows-kit/provider";
import {
  createObservedFetch,
  createVirtualClock,
  type FetchHandler,
  json,
  type ObservedFetch,
  type VirtualClock,
} from "@workflows-kit/testing";
import type { OffsetUnit } from "@workflows-kit/types";
import {
  createWorkflowsClient,
  type WorkflowInstance,
  type WorkflowsClient,
  type WorkflowsClientOptions,
} from "../../src/index.js";

export const apiKey = "test-key-123";
export const accountId = "acme";
export const definitionId = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const ids = { accountId, definitionId } as const;
/** The path the ids above produce. */
export const PATH = `/api/v1/accounts/${accountId}/definitions/${definitionId}/workflows`;
export const BASE_URL = "http://workflows.test";

/** An instance from the spec's example, 7-digit timestamps included. */
export const instance: WorkflowInstance = {
  workflowId: "60dbe307fe55d99fc083db61",
  data: {
    payload: { umid: "9e09ac86-bd74-5465-851d-1eb5a5fdbb9a", content: { text: "Hello, world!" } },
    accountId: "test_account_id",
    subAccountId: "test_subaccount_id",
    triggeredAt: "2021-06-30T03:20:39.3857479Z",
  },
  definitionId,
  version: 1,
  status: "Complete",
  startedAt: "2021-06-30T03:20:39.49Z",
  completedAt: "2021-06-30T03:21:25.8300001Z",
};

/** Answers 200 with `[instance]`. */
export const okHandler: FetchHandler = () => json([instance]);

export interface Setup {
  client: WorkflowsClient;
  observed: ObservedFetch;
  clock: VirtualClock;
  /** The URL of a page request without a query. */
  url: string;
  /** Settles a call on the virtual clock (backoff, Retry-After and timeouts pass in no time). */
  run<T>(promise: Promise<T>): Promise<T>;
}

/**
 * A client on an observed fetch answered by `handler` and a virtual clock, with jitter fixed at 0
 * (every backoff wait is exactly half its step).
 */
export function setup(
  handler: FetchHandler = okHandler,
  options: Partial<WorkflowsClientOptions> = {},
): Setup {
  const observed = createObservedFetch(handler);
  const clock = createVirtualClock();
  const client = createWorkflowsClient({
    apiKey,
    baseUrl: BASE_URL,
    fetch: observed.fetch,
    clock,
    random: () => 0,
    ...options,
  });
  return { client, observed, clock, url: `${BASE_URL}${PATH}`, run: (promise) => clock.run(promise) };
}

/** Every item of an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The delays of the timers that fired: the waits between attempts (attempt timeouts are cleared). */
export const waits = (clock: VirtualClock) =>
  clock.timers.filter((timer) => timer.state === "fired").map((timer) => timer.ms);

/** The reference provider in memory (`@workflows-kit/provider`) serving `instances` under `ids`. */
export interface ServedList {
  /** Answers requests as the provider does: its semantics, its 400s and 404s. */
  handler: FetchHandler;
  /** Every instance, newest first, as the provider serves it now. */
  instances(): WorkflowInstance[];
  /** Adds instances as if just created (a later insert comes first among equal `startedAt`). */
  insert(instances: readonly WorkflowInstance[]): void;
  /** Makes another version the one served without `version`. */
  setLatestVersion(version: number): void;
  /** Changes fields of one instance (a status that enters or leaves a filter mid-walk). */
  update(workflowId: string, patch: Partial<WorkflowInstance>): void;
}

export function serveList(instances: readonly WorkflowInstance[], offsetUnit?: OffsetUnit): ServedList {
  const fetch = createProviderFetch({
    definitions: [{ ...ids, instances: [...instances] }],
    ...(offsetUnit ? { offsetUnit } : {}),
  });
  const current = () => fetch.store.definitions()[0]?.instances ?? [];
  return {
    handler: (request) => fetch(request),
    instances: current,
    insert: (list) => fetch.store.insertInstances(definitionId, [...list]),
    setLatestVersion: (latestVersion) =>
      fetch.store.setDefinition({ ...ids, latestVersion, instances: current() }),
    update: (workflowId, patch) => fetch.store.updateInstance(definitionId, workflowId, patch),
  };
}
