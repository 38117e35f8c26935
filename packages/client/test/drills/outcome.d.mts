import type { WorkflowInstance, WorkflowsClient } from "@workflows-kit/client";

export interface DescribedError {
  /** The constructor's name. */
  class: string;
  /** Class names from the most derived up to Error. */
  chain: string[];
  name: string | null;
  message: string;
  status: number | null;
  code: number | null;
  retryAfterMs: number | null;
  timeoutMs: number | null;
  bodyExcerpt: string | null;
  parameter: string | null;
  /** message, stack, util.inspect, JSON, String and the cause, concatenated. */
  rendered: string;
}

export type Outcome = { ok: true; ids: string[]; bytes: number } | { ok: false; error: DescribedError };

export type DrillCall =
  | { kind: "list"; params: Record<string, unknown> }
  | { kind: "walk"; params: Record<string, unknown> };

export function describeItems(items: readonly WorkflowInstance[]): Outcome;
export function describeError(error: unknown): Outcome;
export function runCall(
  client: WorkflowsClient,
  call: DrillCall,
  ids: { accountId: string; definitionId: string },
): Promise<Outcome>;
