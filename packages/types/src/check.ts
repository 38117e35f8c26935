import { listWorkflowInstancesParameters } from "./generated/constraints.js";
import { toTicks } from "./timestamps.js";

/** A parameter of `listWorkflowInstances`, as the spec names it. */
export type ParameterName = keyof typeof listWorkflowInstancesParameters;

interface SchemaConstraints {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
}

/** Every parameter name of `listWorkflowInstances`, in spec order. */
export const parameterNames = Object.keys(listWorkflowInstancesParameters) as ParameterName[];

const patterns = new Map<string, RegExp>();
function regex(source: string): RegExp {
  const cached = patterns.get(source);
  if (cached) return cached;
  const compiled = new RegExp(source);
  patterns.set(source, compiled);
  return compiled;
}

function range(schema: SchemaConstraints): string {
  if (schema.maximum !== undefined) return ` from ${schema.minimum} to ${schema.maximum}`;
  return schema.minimum !== undefined ? ` >= ${schema.minimum}` : "";
}

/** What is wrong with `value` under the schema constraints of the spec, or undefined when nothing is. */
export function schemaViolation(value: unknown, schema: SchemaConstraints): string | undefined {
  if (schema.type === "integer") {
    const ok =
      typeof value === "number" &&
      Number.isInteger(value) &&
      (schema.minimum === undefined || value >= schema.minimum) &&
      (schema.maximum === undefined || value <= schema.maximum);
    return ok ? undefined : `must be an integer${range(schema)}`;
  }
  if (schema.type === "string") {
    if (typeof value !== "string") return "must be a string";
    if (schema.minLength !== undefined && value.length < schema.minLength) return "must not be empty";
    if (schema.enum && !schema.enum.includes(value)) return `must be one of ${schema.enum.join(", ")}`;
    if (schema.format === "date-time" && toTicks(value) === undefined) {
      return "must be an ISO 8601 date-time such as 2021-06-30T03:20:39.3857479Z";
    }
    if (schema.pattern && !regex(schema.pattern).test(value)) {
      return schema.format === "uuid" ? "must be a UUID" : `must match ${schema.pattern}`;
    }
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
        reason: `is not a parameter of listWorkflowInstances (known: ${parameterNames.join(", ")})`,
      };
    }
  }
  for (const name of parameterNames) {
    const { required, schema } = listWorkflowInstancesParameters[name];
    const value = params[name];
    if (value === undefined) {
      if (required) return { parameter: name, reason: "is required" };
      continue;
    }
    const reason = schemaViolation(value, schema as SchemaConstraints);
    if (reason) return { parameter: name, reason };
  }
  const { startTimeFrom: from, startTimeTo: to } = params;
  if (typeof from === "string" && typeof to === "string" && (toTicks(from) ?? 0n) > (toTicks(to) ?? 0n)) {
    return { parameter: "startTimeFrom", reason: `must not be later than startTimeTo (${to})` };
  }
  return undefined;
}
