// How a drill ended, as plain JSON: the in-process drills and a child process's driver describe it
// the same way, so both are judged by the same assertions.
import { inspect } from "node:util";

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
  retryAfterExceeded: boolean | null;
  attempts: number | null;
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

/** What a drill calls: the client's two entry points, structurally (this package does not depend on it). */
export interface DrillClient {
  listWorkflowInstances(params: Record<string, unknown>): Promise<readonly { workflowId: string }[]>;
  iterateWorkflowInstances(params: Record<string, unknown>): AsyncIterable<{ workflowId: string }>;
}

/** Every way someone might log an error, concatenated: the API key must appear in none of them. */
function renderings(error: unknown): string {
  const e = error as { message?: unknown; stack?: unknown; cause?: unknown } | undefined;
  return [
    String(e?.message),
    String(e?.stack),
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error) ?? "",
    String(error),
    String(e?.cause),
    inspect(e?.cause, { depth: 10, showHidden: true }),
  ].join("\n");
}

/** The class chain of an error, most derived first: ["WorkflowsTimeoutError", "WorkflowsConnectionError", …]. */
function classChain(error: object): string[] {
  const chain: string[] = [];
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype; ) {
    chain.push(proto.constructor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return chain;
}

/** A successful drill: the instances' ids in the order they came, and the size of their JSON. */
export function describeItems(items: readonly { workflowId: string }[]): Outcome {
  return { ok: true, ids: items.map((item) => item.workflowId), bytes: JSON.stringify(items).length };
}

/** A failed drill: the error's class, its typed fields and everything it would print. */
export function describeError(error: unknown): Outcome {
  const e = (error ?? {}) as Record<string, unknown>;
  const field = <T>(name: string, type: string) => (typeof e[name] === type ? (e[name] as T) : null);
  return {
    ok: false,
    error: {
      class: (e.constructor as { name?: string } | undefined)?.name ?? typeof error,
      chain: error instanceof Object ? classChain(error) : [],
      name: field<string>("name", "string"),
      message: String(e.message ?? error),
      status: field<number>("status", "number"),
      code: field<number>("code", "number"),
      retryAfterMs: field<number>("retryAfterMs", "number"),
      retryAfterExceeded: field<boolean>("retryAfterExceeded", "boolean"),
      attempts: field<number>("attempts", "number"),
      timeoutMs: field<number>("timeoutMs", "number"),
      bodyExcerpt: field<string>("bodyExcerpt", "string"),
      parameter: field<string>("parameter", "string"),
      rendered: renderings(error),
    },
  };
}

/** Runs one drill call, a page (`list`) or a whole walk (`walk`), and describes how it ended. */
export async function runCall(
  client: DrillClient,
  call: DrillCall,
  ids: { accountId: string; definitionId: string },
): Promise<Outcome> {
  try {
    if (call.kind === "list") {
      return describeItems(await client.listWorkflowInstances({ ...ids, ...call.params }));
    }
    const items: { workflowId: string }[] = [];
    for await (const item of client.iterateWorkflowInstances({ ...ids, ...call.params })) items.push(item);
    return describeItems(items);
  } catch (error) {
    return describeError(error);
  }
}
