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

/** The example every date-time message shows: the shape the spec's pattern accepts, at full precision. */
const DATE_TIME_EXAMPLE = "2021-06-30T03:20:39.3857479Z";
// The date-time shape whatever the case, fraction length or offset range, to say which part is wrong.
const LOOSE_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d+))?(Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * What is wrong with a date-time string, in words (never the raw pattern): the shape with an
 * example, upper-case `T`/`Z` when the pattern requires them, at most 7 fractional digits, an
 * offset within ±23:59, a real calendar date and time.
 */
function dateTimeViolation(value: string, pattern: string | undefined): string | undefined {
  const shape = `must be an ISO 8601 date-time such as ${DATE_TIME_EXAMPLE}`;
  const parts = LOOSE_DATE_TIME.exec(value);
  if (!parts) return shape;
  const [, fraction = "", zone = "", offsetHours = "00", offsetMinutes = "00"] = parts;
  const matches = (text: string) => pattern === undefined || regex(pattern).test(text);
  if (fraction.length > 7) {
    return `has ${fraction.length} fractional digits: at most 7 (100 ns), as in ${DATE_TIME_EXAMPLE}`;
  }
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) {
    return `has the UTC offset ${zone}, beyond ±23:59: use Z or an offset from -23:59 to +23:59, as in ${DATE_TIME_EXAMPLE}`;
  }
  if (!matches(value) && matches(value.toUpperCase())) {
    return `must write T and Z in upper case, as in ${value.toUpperCase()}`;
  }
  if (toTicks(value) === undefined) {
    return `names no real date and time (months 01-12, a day the month has, hours 00-23, minutes and seconds 00-59), as in ${DATE_TIME_EXAMPLE}`;
  }
  return matches(value) ? undefined : shape;
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
    if (schema.format === "date-time") return dateTimeViolation(value, schema.pattern);
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
