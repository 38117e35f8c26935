import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { WorkflowInstance } from "@workflows-kit/client";
import { type Provider, type ProviderOptions, startProvider } from "@workflows-kit/provider";
import { afterEach } from "vitest";
import { accountId, definitionId } from "./data.js";

/** Starts reference providers for one test file and closes each after its test. */
export function providerPool() {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return {
    /** The reference provider serving `instances` as the test definition. */
    async serve(instances: WorkflowInstance[], options: ProviderOptions = {}): Promise<Provider> {
      const provider = await startProvider({
        ...options,
        definitions: [{ accountId, definitionId, instances }],
      });
      open.push(provider);
      return provider;
    },
    /** A bare node:http server for answers the reference provider never gives (5xx, 429, hangs). */
    async raw(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
      const server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      open.push({
        close: () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

/** The query of each request the provider saw, as plain objects. */
export function queries(provider: Provider): Record<string, string>[] {
  return provider.requests.map((r) => Object.fromEntries(new URL(r.url, "http://x").searchParams));
}

/** A loopback URL nobody listens on: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
