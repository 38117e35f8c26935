/**
 * Types and runtime constraints generated from spec/workflows.openapi.yaml, plus friendly aliases.
 * Everything under ./generated is produced by `pnpm generate`; this file only names things.
 */
import type { components, operations, paths } from "./generated/schema.js";

export {
  checkListWorkflowInstancesParameters,
  type ParameterName,
  type ParameterProblem,
  parameterNames,
  type SchemaConstraints,
  schemaViolation,
} from "./check.js";
export {
  listWorkflowInstancesOperation,
  listWorkflowInstancesParameters,
  offsetUnit,
  servers,
  workflowStatuses,
} from "./generated/constraints.js";
export { compareTimestamps, laterOf, toTicks } from "./timestamps.js";
export type { components, operations, paths };

/** One workflow instance, exactly as the API returns it (timestamps stay strings: 7-digit precision). */
export type WorkflowInstance = components["schemas"]["WorkflowInstance"];
/** `Runnable | Suspended | Complete | Terminated`. */
export type WorkflowStatus = components["schemas"]["WorkflowStatus"];
/** The workflow context: trigger payload plus step outputs (an open object). */
export type WorkflowData = components["schemas"]["WorkflowData"];
/** The body of every error response (status >= 400). */
export type ApiErrorBody = components["schemas"]["Error"];
/** An ISO 8601 date-time string with up to 7 fractional digits. */
export type Timestamp = components["schemas"]["Timestamp"];

type ListOperation = operations["listWorkflowInstances"];
/** Path and query parameters of `listWorkflowInstances`, as they go on the wire. */
export type ListWorkflowInstancesParams = ListOperation["parameters"]["path"] &
  NonNullable<ListOperation["parameters"]["query"]>;
/** The 200 body: one page of instances. */
export type WorkflowInstancePage = ListOperation["responses"][200]["content"]["application/json"];
/** What `offset` counts. */
export type OffsetUnit = "items" | "pages";
