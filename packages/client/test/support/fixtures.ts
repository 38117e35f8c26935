import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach } from "vitest";
import type { WorkflowInstance } from "../../src/index.js";
import { type Handler, startServer, type TestServer } from "./server.js";

export const accountId = "acme";
export const definitionId = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const ids = { accountId, definitionId } as const;
/** The path the ids above produce. */
export const PATH = `/api/v1/accounts/${accountId}/definitions/${definitionId}/workflows`;

/** Small backoff steps so retry tests stay fast. */
export const fastRetries = { retryBaseDelayMs: 1, retryMaxDelayMs: 5 } as const;

/** An instance from the spec's example, 7-digit timestamps included. */
export const instance: WorkflowInstance = {
  workflowId: "60dbe307fe55d99fc083db61",
  data: {
    payload: { umid: "9e09ac86-bd74-5465-851d-1eb5a5fdbb9a", content: { text: "Hello, world!" } },
    accountId: "test_account_id",
    subAccountId: "test_subaccount_id",
    triggeredAt: "2021-06-30T03:20:39.3857479Z",
  },
  definitionId,
  version: 1,
  status: "Complete",
  startedAt: "2021-06-30T03:20:39.49Z",
  completedAt: "2021-06-30T03:21:25.8300001Z",
};

/** Answers `body` as JSON with a Content-Length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, JSON.stringify(body), { "content-type": "application/json", ...headers });
}

/** Answers `text` verbatim with a Content-Length. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Answers 200 with `[instance]`. */
export const okHandler: Handler = (_req: IncomingMessage, res: ServerResponse) =>
  sendJson(res, 200, [instance]);

/** The rejection reason of `promise`; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

/** `startServer` for one test file: every server started through it is closed after each test. */
export function serverPool(): (handler: Handler) => Promise<TestServer> {
  const open: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (handler) => {
    const server = await startServer(handler);
    open.push(server);
    return server;
  };
}
