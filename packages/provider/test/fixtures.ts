import type { WorkflowInstance } from "@workflows-kit/types";
import { generateInstances, ProviderStore, type StoreOptions } from "../src/index.js";

export const accountId = "acme";
export const definitionId = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const emptyId = "2aa9465e-dec7-4c3e-8fa6-bd168af9eaca";
export const path = (id = definitionId, account = accountId) =>
  `/api/v1/accounts/${account}/definitions/${id}/workflows`;

/** 60 instances of versions 1 and 2, newest first. */
export const instances = generateInstances({ seed: 3, accountId, definitionId, count: 60, versions: 2 });
/** What is served without `version`: the latest version's instances. */
export const latest = instances.filter((i) => i.version === 2);
export const at = (list: WorkflowInstance[], index: number) => list[index] as WorkflowInstance;

export const NOW = Date.parse("2026-11-28T12:00:00Z");
export const NOW_TIMESTAMP = "2026-11-28T12:00:00.0000000Z";

/** A store with the fixtures, key "good-key", a fixed clock and errorIds error-1, error-2, … */
export function makeStore(options: StoreOptions = {}): ProviderStore {
  let errors = 0;
  return new ProviderStore({
    definitions: [
      { definitionId, accountId, instances },
      { definitionId: emptyId, accountId, instances: [] },
    ],
    apiKeys: ["good-key"],
    now: () => NOW,
    errorId: () => `error-${++errors}`,
    ...options,
  });
}
