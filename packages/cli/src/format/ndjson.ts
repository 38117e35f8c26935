import type { WorkflowInstance } from "@workflows-kit/client";

/** One JSON object per line, exactly as the API returned it (timestamps keep their 7 digits). */
export function ndjsonLines(instances: readonly WorkflowInstance[]): string {
  return instances.map((instance) => `${JSON.stringify(instance)}\n`).join("");
}
