// Type-level test, compiled by `typecheck` (tsc with exactOptionalPropertyTypes, as strict consumers
// have it): every optional input takes `undefined` explicitly. Without `| undefined` on them, each
// assignment below is TS2379/TS2375.
import { createHarRecorder, type HarRecorderOptions } from "../src/har.js";
import type {
  CallOptions,
  ErrorCode,
  IterateWorkflowInstancesInput,
  ListWorkflowInstancesInput,
  RateLimitError,
  Timestamp,
  WorkflowInstancePage,
  WorkflowStatus,
  WorkflowsApiError,
  WorkflowsClient,
  WorkflowsClientOptions,
} from "../src/index.js";

declare const client: WorkflowsClient;
declare const maybeStatus: WorkflowStatus | undefined;
declare const maybeNumber: number | undefined;
declare const maybeDate: Date | undefined;
declare const maybeSignal: AbortSignal | undefined;
const ids = { accountId: "acme", definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230" };

export const list: ListWorkflowInstancesInput = {
  ...ids,
  status: maybeStatus,
  limit: maybeNumber,
  offset: maybeNumber,
  version: maybeNumber,
  startTimeFrom: maybeDate,
  startTimeTo: undefined,
};
export const walk: IterateWorkflowInstancesInput = {
  ...ids,
  status: maybeStatus,
  pageSize: maybeNumber,
  maxItems: maybeNumber,
  prefetch: maybeNumber,
};
export const call: CallOptions = {
  signal: maybeSignal,
  headers: undefined,
  timeoutMs: maybeNumber,
  maxRetries: maybeNumber,
};
export const options: WorkflowsClientOptions = {
  apiKey: "k",
  baseUrl: undefined,
  fetch: undefined,
  maxRetries: maybeNumber,
  timeoutMs: maybeNumber,
  validate: undefined,
  offsetUnit: undefined,
  retryBaseDelayMs: maybeNumber,
  retryMaxDelayMs: maybeNumber,
  maxRetryAfterMs: maybeNumber,
  clock: undefined,
  random: undefined,
};
export const har: HarRecorderOptions = {
  maxEntries: maybeNumber,
  maxBodyBytes: maybeNumber,
  redactHeaders: undefined,
  now: undefined,
  creator: undefined,
};
export const recorder = createHarRecorder({ maxEntries: undefined });
export const calls = [
  client.listWorkflowInstances({ ...ids, status: maybeStatus }, { signal: maybeSignal }),
  client.iterateWorkflowInstances({ ...ids, status: maybeStatus }, undefined),
  client.iterateWorkflowInstancePages(walk, call),
];

// The required ids stay required.
// @ts-expect-error accountId is missing
export const noAccount: ListWorkflowInstancesInput = { definitionId: ids.definitionId };
// @ts-expect-error accountId cannot be undefined
export const undefinedAccount: ListWorkflowInstancesInput = { ...ids, accountId: undefined };

// A walk owns limit and offset (at run time an InvalidParameterError saying to use pageSize).
// @ts-expect-error limit is not a walk parameter
export const walkLimit: IterateWorkflowInstancesInput = { ...ids, limit: 10 };
// The inputs stay plain object types: code that passes them on as records still compiles.
export const asRecord: Record<string, unknown>[] = [list, walk];

// Error codes: the documented ones by name, any other number too; re-exported spec types.
export const known: ErrorCode = 1100;
export const code = (error: WorkflowsApiError): number | undefined => error.code;
export const codes: WorkflowsApiError["code"][] = [1000, 4242, undefined];
// @ts-expect-error 1234 is not a documented code
export const unknownCode: ErrorCode = 1234;
export const exceeded = (error: RateLimitError): boolean => error.retryAfterExceeded;
export const page: WorkflowInstancePage = [];
export const stamp: Timestamp = "2021-06-30T03:20:39.3857479Z";
