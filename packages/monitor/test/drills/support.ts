// What the monitor's drills share: the reference provider with instances of now, and the patch that
// ends one as Terminated. Output lines, child processes and the fault proxy come from
// @workflows-kit/testing/drills (Lines, startProcess, startFaultServer): waited on, never slept on.
import type { WorkflowInstance, WorkflowStatus } from "@workflows-kit/client";
import { formatTimestamp, generateInstances, startProvider } from "@workflows-kit/provider";

export const ACCOUNT = "acme";
export const DEFINITION = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const API_KEY = "sk-drill-7c6b5a4d3e2f-SECRET";

/** `count` instances of DEFINITION started in the last minutes, newest first, with the given statuses. */
export function instancesNow(statuses: WorkflowStatus[], seed = 1): WorkflowInstance[] {
  const generated = generateInstances({
    seed,
    accountId: ACCOUNT,
    definitionId: DEFINITION,
    count: statuses.length,
    versions: 1,
    newest: new Date(Date.now() - 1_000),
    meanGapMs: 5_000,
  });
  return generated.map((instance, i) => {
    const status = statuses[i] as WorkflowStatus;
    const finished = status === "Complete" || status === "Terminated";
    return { ...instance, status, completedAt: finished ? formatTimestamp(Date.now(), 7) : null };
  });
}

/** The reference provider serving DEFINITION with `instances`. */
export const providerWith = (instances: WorkflowInstance[]) =>
  startProvider({
    definitions: [{ definitionId: DEFINITION, accountId: ACCOUNT, latestVersion: 1, instances }],
  });

/** The provider's `updateInstance` patch of an instance that ends now as Terminated. */
export const terminatedNow = () => ({
  status: "Terminated" as const,
  completedAt: formatTimestamp(Date.now(), 7),
});
