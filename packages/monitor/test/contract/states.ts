// Provider states of the monitor's pact: names and parameters are the contract with the provider's
// state handlers (packages/provider/test/contract). The data state is the CLI's, each instance
// carrying its `status`; the fault states use the provider's failNext(count, fault).
export const ACCOUNT_ID = "acme";
export const DEFINITION_ID = "5870442f-3ddd-4657-b74c-6e17308f5230";

// A type, not an interface: Pact's state parameters must be JSON maps (an index signature).
export type StateInstance = {
  workflowId: string;
  startedAt: string;
  status: "Complete" | "Terminated";
};

export const STATES = {
  instances: (p: { definitionId: string; instances: StateInstance[] }) => ({
    name: "definition {definitionId} of account {accountId} has exactly these finished instances of version 1, newest first: {instances}",
    params: { accountId: ACCOUNT_ID, ...p },
  }),
  rateLimited: (p: { count: number; retryAfterSeconds: number }) => ({
    name: "the next {count} requests are rate limited with Retry-After {retryAfterSeconds}",
    params: p,
  }),
  failing: (p: { count: number; status: number }) => ({
    name: "the next {count} requests fail with status {status}",
    params: p,
  }),
};
