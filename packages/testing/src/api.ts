/** The spec's error body (`{code, message, errorId, timestamp}`), with a fixed errorId and a 7-digit timestamp. */
export function errorBody(code: number, message: string) {
  return {
    code,
    message,
    errorId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    timestamp: "2021-07-13T01:28:37.6600001Z",
  };
}

/** The API's path for a pair of ids (percent-encoded as the client encodes them). */
export const workflowsPath = (ids: { accountId: string; definitionId: string }) =>
  `/api/v1/accounts/${encodeURIComponent(ids.accountId)}/definitions/${encodeURIComponent(ids.definitionId)}/workflows`;
