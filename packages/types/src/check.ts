import { listWorkflowInstancesParameters } from "./generated/constraints.js";
import { compareTimestamps, toTicks } from "./timestamps.js";

/** A parameter of `listWorkflowInstances`, as the spec names it. */
export type ParameterName = keyof typeof listWorkflowInstancesParameters;

/** The JSON Schema keywords `schemaViolation` reads (the spec's, and the client's option rules). */
export interface SchemaConstraints {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: readonly unknown[];
  minimum?: number | undefined;
  maximum?: number | undefined;
  minLength?: number;
}

/** The date-time rules by example (7 digits at most, an offset within ±23:59): never the raw pattern. */
const DATE_TIME = "must be an ISO 8601 date-time like 2021-06-30T03:20:39.3857479Z";

/** Every parameter name of `listWorkflowInstances`, in spec order. */
export const parameterNames = Object.keys(listWorkflowInstancesParameters) as ParameterName[];

/** What is wrong with `value` under the schema constraints of the spec, or undefined when nothing is. */
export function schemaViolation(value: unknown, schema: SchemaConstraints): string | undefined {
  const { type, minimum: min, maximum: max, pattern, format } = schema;
  if (type === "integer" || type === "number") {
    // A comparison with a missing bound is false: it bounds nothing.
    const n = value as number;
    const kind = type === "integer" ? Number.isInteger(n) : typeof n === "number" && !Number.isNaN(n);
    if (kind && !(n < (min as number)) && !(n > (max as number))) return undefined;
    const range = max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` >= ${min}` : "";
    return `must be ${type === "integer" ? "an integer" : "a number"}${range}`;
  }
  if (type !== "string") return undefined;
  if (typeof value !== "string") return "must be a string";
  if (value.length < (schema.minLength ?? 0)) return "must not be empty";
  if (schema.enum && !schema.enum.includes(value)) return `must be one of ${schema.enum.join(", ")}`;
  // toTicks takes either case (RFC 3339 does); the spec's pattern, which the client sends to, does not.
  if (format === "date-time" && toTicks(value) === undefined) return DATE_TIME;
  // V8 caches compiled patterns by their source: no cache of our own.
  if (pattern && !new RegExp(pattern).test(value)) {
    return format === "uuid"
      ? "must be a UUID"
      : format === "date-time"
        ? `must write T and Z in upper case: ${value.toUpperCase()}`
        : `must match ${pattern}`;
  }
  return undefined;
}

/** A broken constraint: which parameter, and what is wrong with it. */
export interface ParameterProblem {
  parameter: string;
  reason: string;
}

/**
 * Checks `listWorkflowInstances` parameters (wire form: dates as strings) against the spec:
 * unknown names, required ones, each schema, and startTimeFrom <= startTimeTo.
 * Returns the first problem, or undefined.
 */
export function checkListWorkflowInstancesParameters(
  params: Readonly<Record<string, unknown>>,
): ParameterProblem | undefined {
  for (const name of Object.keys(params)) {
    if (!Object.hasOwn(listWorkflowInstancesParameters, name) && params[name] !== undefined) {
      return {
        parameter: name,
        reason: `is not a parameter (known: ${parameterNames.join(", ")})`,
      };
    }
  }
  for (const name of parameterNames) {
    const { required, schema }: { required?: true; schema: SchemaConstraints } =
      listWorkflowInstancesParameters[name];
    const value = params[name];
    const reason =
      value === undefined ? (required ? "is required" : undefined) : schemaViolation(value, schema);
    if (reason) return { parameter: name, reason };
  }
  const { startTimeFrom: from, startTimeTo: to } = params;
  // Both are valid date-times by now.
  if (typeof from === "string" && typeof to === "string" && compareTimestamps(from, to) > 0) {
    return { parameter: "startTimeFrom", reason: `must not be after startTimeTo (${to})` };
  }
  return undefined;
}
