// Provider states of the CLI's pact. Their names and parameters are the contract with the
// provider's state handlers (packages/provider/test/contract), which build exactly this data.
export const ACCOUNT_ID = "acme";
export const DEFINITION_ID = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const EMPTY_DEFINITION_ID = "9b2f7a4e-51c3-4d8a-b0e6-2f4c8d1a7e35";
export const UNKNOWN_DEFINITION_ID = "2aa9465e-dec7-4c3e-8fa6-bd168af9eaca";

export const STATES = {
  instances: (p: { definitionId: string; instances: { workflowId: string; startedAt: string }[] }) => ({
    name: "definition {definitionId} of account {accountId} has exactly these finished instances of version 1, newest first: {instances}",
    params: { accountId: ACCOUNT_ID, ...p },
  }),
  mixed: (p: { definitionId: string }) => ({
    name: "definition {definitionId} of account {accountId} has Complete and Terminated instances of versions 1 and 2, started on 2021-06-30 and 2021-07-01",
    params: { accountId: ACCOUNT_ID, ...p },
  }),
  missing: (p: { definitionId: string }) => ({
    name: "definition {definitionId} does not exist",
    params: { accountId: ACCOUNT_ID, ...p },
  }),
  invalidKey: (p: { apiKey: string }) => ({
    name: "the API key {apiKey} is not valid",
    params: p,
  }),
};
