import type { WorkflowInstance } from "@workflows-kit/types";
import { excerpt, InvalidResponseError, type RequestSummary } from "./errors.js";

/**
 * What makes a JSON array unusable as a page: more items than `limit` (a walk's offsets would go
 * wrong, a list would hand out what was not asked for) and items without a string `workflowId`.
 */
function pageProblem(page: unknown[], limit: number): string | undefined {
  if (page.length > limit) return `${page.length} items for limit ${limit}`;
  if (page.some((item) => typeof (item as { workflowId?: unknown } | null)?.workflowId !== "string")) {
    return "items that are not workflow instances";
  }
  return undefined;
}

/** The page in a 2xx `body`, or InvalidResponseError saying why it is not one; `limit` is what was asked for. */
export function parsePage(
  request: RequestSummary,
  status: number,
  body: string,
  limit: number,
): WorkflowInstance[] {
  let page: unknown;
  let problem: string | undefined;
  try {
    page = JSON.parse(body);
    problem = Array.isArray(page) ? pageProblem(page, limit) : "JSON that is not an array";
  } catch {
    problem = "a body that is not JSON";
  }
  if (problem) throw new InvalidResponseError(request, status, excerpt(body), problem);
  return page as WorkflowInstance[];
}
