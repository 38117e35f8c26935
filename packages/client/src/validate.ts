import { checkListWorkflowInstancesParameters } from "@workflows-kit/types";
import { InvalidParameterError } from "./errors.js";

/**
 * Throws InvalidParameterError naming the first parameter that breaks the spec's constraints.
 * `limitName`: what the caller calls `limit` (a walk's `pageSize`), so the error names what was set.
 */
export function validateParameters(params: Readonly<Record<string, unknown>>, limitName = "limit"): void {
  const problem = checkListWorkflowInstancesParameters(params);
  if (problem) {
    const { parameter, reason } = problem;
    throw new InvalidParameterError(parameter === "limit" ? limitName : parameter, params[parameter], reason);
  }
}
