import { checkListWorkflowInstancesParameters } from "@workflows-kit/types";
import { InvalidParameterError } from "./errors.js";

/** Throws InvalidParameterError naming the first parameter that breaks the spec's constraints. */
export function validateParameters(params: Readonly<Record<string, unknown>>): void {
  const problem = checkListWorkflowInstancesParameters(params);
  if (problem) throw new InvalidParameterError(problem.parameter, params[problem.parameter], problem.reason);
}
