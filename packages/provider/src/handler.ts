// HTTP over the store, on plain objects: the node:http and fetch adapters and the tests all go
// through this one function, so routing, auth headers and bodies are tested without sockets.
import type { WorkflowInstance } from "@workflows-kit/types";
import type { Answer, ProviderStore } from "./store.js";

export interface ProviderRequest {
  method: string;
  /** The request target: a path with its query (`/api/v1/…?limit=5`, as node:http gives it) or an absolute URL. */
  url: string;
  /** Request headers by lower-case name (as node:http gives them); only `authorization` is read. */
  headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
}

export interface ProviderResponse {
  status: number;
  /** `content-type`, and `retry-after` on a fault that sets it. */
  headers: Record<string, string>;
  /** The JSON body. */
  body: string;
}

export type ProviderHandler = (request: ProviderRequest) => ProviderResponse;

const WORKFLOWS_PATH = /^\/api\/v1\/accounts\/([^/]+)\/definitions\/([^/]+)\/workflows$/;
const BEARER = /^Bearer (\S+)$/i;
const BASE = "http://provider.invalid";

function bearerToken(headers: ProviderRequest["headers"]): string | undefined {
  const value = headers?.authorization;
  const header = typeof value === "string" ? value : value?.[0];
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/** Answers requests from `store`: `GET /api/v1/accounts/{accountId}/definitions/{definitionId}/workflows`
 *  as the spec states it, 404 for other paths, 405 for other methods, 500 (code 1) if the store throws. */
export function createProviderHandler(store: ProviderStore): ProviderHandler {
  // Each instance's JSON, made the first time it is served (an updated instance is a new object).
  const json = new WeakMap<WorkflowInstance, string>();
  const serialize = (instance: WorkflowInstance) => {
    let text = json.get(instance);
    if (text === undefined) {
      text = JSON.stringify(instance);
      json.set(instance, text);
    }
    return text;
  };

  function respond(answer: Answer): ProviderResponse {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if ("error" in answer) {
      if (answer.retryAfterSeconds !== undefined) headers["retry-after"] = String(answer.retryAfterSeconds);
      return { status: answer.status, headers, body: JSON.stringify(answer.error) };
    }
    return { status: 200, headers, body: `[${answer.instances.map(serialize).join(",")}]` };
  }

  function answer({ method, url, headers }: ProviderRequest): Answer {
    let pathname: string;
    let search: string;
    try {
      ({ pathname, search } = new URL(url, BASE));
    } catch {
      return store.error(400, 1000, "Invalid request target.");
    }
    const match = WORKFLOWS_PATH.exec(pathname);
    if (!match) return store.error(404, 1300, `No route for ${pathname}.`);
    if (method !== "GET") return store.error(405, 1000, `Method ${method} is not allowed.`);
    return store.list({
      accountId: match[1] ?? "",
      definitionId: match[2] ?? "",
      apiKey: bearerToken(headers),
      query: search,
    });
  }

  return (request) => {
    store.record({ method: request.method, url: request.url });
    try {
      return respond(answer(request));
    } catch (error) {
      // A bug here must answer like the API does, not hang the client.
      return respond(store.error(500, 1, error instanceof Error ? error.message : "Internal error."));
    }
  };
}
