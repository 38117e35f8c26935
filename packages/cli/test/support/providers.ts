import type { WorkflowInstance } from "@workflows-kit/client";
import { createProviderFetch, type ProviderStore, type StoreOptions } from "@workflows-kit/provider";
import { accountId, definitionId } from "./data.js";

/** Where the in-memory servers "are": the provider's fetch ignores the host, errors show this URL. */
export const MEMORY_URL = "http://workflows.test";

/** The reference provider in memory, serving `instances` as the test definition. */
export interface MemoryProvider {
  fetch: typeof globalThis.fetch;
  store: ProviderStore;
  /** Every request it answered (`{ method, url }`, the path and query), oldest first. */
  requests: ProviderStore["requests"];
}

export function provider(instances: WorkflowInstance[], options: Omit<StoreOptions, "definitions"> = {}) {
  const fetch = createProviderFetch({ ...options, definitions: [{ accountId, definitionId, instances }] });
  return { fetch, store: fetch.store, requests: fetch.store.requests } satisfies MemoryProvider;
}

/** The query of each request the provider saw, as plain objects. */
export function queries(served: { requests: readonly { url: string }[] }): Record<string, string>[] {
  return served.requests.map((r) => Object.fromEntries(new URL(r.url, MEMORY_URL).searchParams));
}
