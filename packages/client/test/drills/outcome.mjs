// How a drill ended, as plain JSON: shared by the in-process drills and driver.mjs (a child process),
// so both are judged by the same assertions. Plain JavaScript because the child runs it with `node`.
import { inspect } from "node:util";

/** Every way someone might log an error, concatenated: the API key must appear in none of them. */
function renderings(error) {
  return [
    String(error?.message),
    String(error?.stack),
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error) ?? "",
    String(error),
    String(error?.cause),
    inspect(error?.cause, { depth: 10, showHidden: true }),
  ].join("\n");
}

/** The class chain of an error, most derived first: ["WorkflowsTimeoutError", "WorkflowsConnectionError", …]. */
function classChain(error) {
  const chain = [];
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype; ) {
    chain.push(proto.constructor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return chain;
}

/** A successful drill: the instances' ids in the order they came, and the size of their JSON. */
export function describeItems(items) {
  return { ok: true, ids: items.map((item) => item.workflowId), bytes: JSON.stringify(items).length };
}

/** A failed drill: the error's class, its typed fields and everything it would print. */
export function describeError(error) {
  const e = error ?? {};
  return {
    ok: false,
    error: {
      class: e.constructor?.name ?? typeof error,
      chain: error instanceof Object ? classChain(error) : [],
      name: e.name ?? null,
      message: String(e.message ?? error),
      status: e.status ?? null,
      code: e.code ?? null,
      retryAfterMs: e.retryAfterMs ?? null,
      timeoutMs: e.timeoutMs ?? null,
      bodyExcerpt: e.bodyExcerpt ?? null,
      parameter: e.parameter ?? null,
      rendered: renderings(error),
    },
  };
}

/** Runs one drill call: a page (`list`) or a whole walk (`walk`). */
export async function runCall(client, call, ids) {
  try {
    if (call.kind === "list") {
      return describeItems(await client.listWorkflowInstances({ ...ids, ...call.params }));
    }
    const items = [];
    for await (const item of client.iterateWorkflowInstances({ ...ids, ...call.params })) items.push(item);
    return describeItems(items);
  } catch (error) {
    return describeError(error);
  }
}
