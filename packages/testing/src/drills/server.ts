import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** The raw request target (path and query), exactly as it arrived on the wire. */
  url: string;
  headers: IncomingHttpHeaders;
  /** performance.now() when the request arrived, to measure waits between attempts. */
  receivedAt: number;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Resolves with request number `index` (0-based) once the server has received it: act on this event. */
  received(index: number): Promise<RecordedRequest>;
  /** Stops listening and destroys open sockets (also ones a handler never answered). Idempotent. */
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 and a free port. A handler that throws fails the test run. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const waiting: { index: number; resolve: (request: RecordedRequest) => void }[] = [];
  const server = createServer((req, res) => {
    const recorded = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      receivedAt: performance.now(),
    };
    const index = requests.push(recorded) - 1;
    for (const waiter of waiting.filter((w) => w.index === index)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(recorded);
    }
    // A broken handler is a broken test: surface it as an unhandled rejection rather than a hang.
    void Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        res.destroy();
        throw error;
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    received(index) {
      const request = requests[index];
      if (request) return Promise.resolve(request);
      return new Promise((resolve) => waiting.push({ index, resolve }));
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
