import type { WorkflowInstance } from "@workflows-kit/types";
import { excerpt, InvalidResponseError, type RequestSummary } from "./errors.js";

/** A 2xx answer to a page request, body already read. */
export interface PageResponse {
  request: RequestSummary;
  status: number;
  body: string;
  /** What the request asked for (the spec's default when it did not say). */
  limit: number;
}

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

/** The page in a 2xx body, or InvalidResponseError saying why the body is not one. */
export function parsePage({ request, status, body, limit }: PageResponse): WorkflowInstance[] {
  let page: unknown;
  try {
    page = JSON.parse(body);
  } catch {
    throw new InvalidResponseError(request, status, excerpt(body), "a body that is not JSON");
  }
  const problem = Array.isArray(page) ? pageProblem(page, limit) : "JSON that is not an array";
  if (problem) throw new InvalidResponseError(request, status, excerpt(body), problem);
  return page as WorkflowInstance[];
}
