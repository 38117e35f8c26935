// Pact provider states → store set-up. Each handler builds exactly the data (or faults) its state
// names; a consumer's new state is one more entry here (see the README's provider-states table).
import type { VerifierOptions } from "@pact-foundation/pact";
import type { WorkflowInstance, WorkflowStatus } from "@workflows-kit/types";
import { formatTimestamp, generateInstances, type ProviderStore } from "../../src/index.js";

/** Finished (Complete or Terminated) instances with a given status and version. */
function finished(
  instances: WorkflowInstance[],
  status: WorkflowStatus,
  version: number,
): WorkflowInstance[] {
  return instances.map((i) => ({
    ...i,
    status,
    version,
    completedAt: formatTimestamp(Date.parse(i.startedAt) + 60_000, 2),
  }));
}

type StateHandlers = NonNullable<VerifierOptions["stateHandlers"]>;
type Params = Record<string, unknown>;
const text = (params: Params, key: string) => String(params[key]);
/** A whole-number parameter (Pact may send it as a number or a string). */
function count(params: Params, key: string): number {
  const value = Number(params[key]);
  if (!Number.isSafeInteger(value))
    throw new Error(`provider state parameter ${key} must be an integer (got ${params[key]})`);
  return value;
}
const handler =
  (setUp: (params: Params) => void) =>
  async (params?: unknown): Promise<undefined> => {
    setUp((params ?? {}) as Params);
    return undefined;
  };

/** Puts `store` back to nothing before each interaction: no data, any bearer key, no faults. */
export function resetStore(store: ProviderStore): void {
  store.setDefinitions([]);
  store.setApiKeys(undefined);
  store.clearFaults();
}

/** The state handlers of every pact under packages/*\/pacts, acting on `store`. */
export const stateHandlers = (store: ProviderStore): StateHandlers => ({
  "definition {definitionId} of account {accountId} has exactly these finished instances of version 1, newest first: {instances}":
    handler((params) => {
      const accountId = text(params, "accountId");
      const definitionId = text(params, "definitionId");
      const wanted = params.instances as { workflowId: string; startedAt: string }[];
      const generated = generateInstances({
        seed: 11,
        accountId,
        definitionId,
        count: wanted.length,
        versions: 1,
      });
      const instances = finished(generated, "Complete", 1).map((instance, i) => ({
        ...instance,
        ...wanted[i],
      }));
      store.setDefinitions([{ definitionId, accountId, latestVersion: 1, instances }]);
    }),
  "definition {definitionId} of account {accountId} has Complete and Terminated instances of versions 1 and 2, started on 2021-06-30 and 2021-07-01":
    handler((params) => {
      const accountId = text(params, "accountId");
      const definitionId = text(params, "definitionId");
      const instances = ["2021-06-30T12:00:00Z", "2021-07-01T12:00:00Z"].flatMap((day, d) =>
        [1, 2].flatMap((version) =>
          (["Complete", "Terminated"] as const).flatMap((status, s) =>
            finished(
              generateInstances({
                seed: 100 + d * 10 + version * 2 + s,
                accountId,
                definitionId,
                count: 2,
                newest: new Date(day),
              }),
              status,
              version,
            ),
          ),
        ),
      );
      store.setDefinitions([{ definitionId, accountId, instances }]);
    }),
  "definition {definitionId} does not exist": handler(() => store.setDefinitions([])),
  "the API key {apiKey} is not valid": handler((params) =>
    store.setApiKeys([`not-${text(params, "apiKey")}`]),
  ),
  "the next {count} requests are rate limited with Retry-After {retryAfterSeconds}": handler((params) =>
    store.failNext(count(params, "count"), {
      status: 429,
      retryAfterSeconds: count(params, "retryAfterSeconds"),
    }),
  ),
  "the next {count} requests fail with status {status}": handler((params) =>
    store.failNext(count(params, "count"), { status: count(params, "status") }),
  ),
});
