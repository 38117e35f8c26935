export type {
  ApiErrorBody,
  ListWorkflowInstancesParams,
  OffsetUnit,
  Timestamp,
  WorkflowData,
  WorkflowInstance,
  WorkflowInstancePage,
  WorkflowStatus,
} from "@workflows-kit/types";
// Timestamp helpers at 100 ns precision, so consumers compare and subtract the strings without Date.
export { compareTimestamps, toTicks, workflowStatuses } from "@workflows-kit/types";
export { createWorkflowsClient, type WorkflowsClient } from "./client.js";
export {
  AuthenticationError,
  BadRequestError,
  ErrorCode,
  InternalServerError,
  InvalidParameterError,
  InvalidResponseError,
  NotFoundError,
  PaginationError,
  type PaginationProblem,
  PermissionDeniedError,
  RateLimitError,
  type RequestSummary,
  WorkflowsAbortError,
  WorkflowsApiError,
  WorkflowsConnectionError,
  WorkflowsError,
  WorkflowsTimeoutError,
} from "./errors.js";
// The recorder itself is the entry point `@workflows-kit/client/har`: the client's bundle does not carry it.
export type { Har, HarEntry, HarHeader, HarLog, HarRecorder, HarRecorderOptions } from "./har.js";
export type { CallOptions, Clock, OffsetUnitOption, WorkflowsClientOptions } from "./options.js";
export type { DateInput, IterateWorkflowInstancesInput, ListWorkflowInstancesInput } from "./wire.js";
