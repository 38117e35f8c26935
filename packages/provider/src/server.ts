// The node:http adapter: a loopback server in front of the handler.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createProviderHandler } from "./handler.js";
import { type ProviderState, ProviderStore, type StoreOptions } from "./store.js";

export interface ProviderOptions extends StoreOptions {
  /** 0 (the default) picks a free port. */
  port?: number | undefined;
  /** Default 127.0.0.1 (loopback only). */
  host?: string | undefined;
  /** Serve this store; the data options (`seed`, `definitions`, …) are then not used. */
  store?: ProviderStore | undefined;
}

export interface Provider extends ProviderState {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:4011. */
  url: string;
  /** The data it serves (also reachable through the methods above). */
  store: ProviderStore;
  /** Stops listening and ends open connections; resolves once the port is free. */
  close(): Promise<void>;
}

/** Starts the reference provider on loopback; resolves once it is listening. Rejects with Node's
 *  listen error (`code` EADDRINUSE, EACCES, …) when it cannot, and a RangeError for a bad port. */
export async function startProvider(options: ProviderOptions = {}): Promise<Provider> {
  const { port = 0, host = "127.0.0.1" } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535 (got ${port})`);
  }
  const store = options.store ?? new ProviderStore(options);
  const handle = createProviderHandler(store);
  const server = createServer((req, res) => {
    const reply = handle({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers });
    res.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
    res.end(reply.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const name = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${name}:${address.port}`,
    store,
    requests: store.requests,
    setDefinitions: (definitions) => store.setDefinitions(definitions),
    setDefinition: (definition) => store.setDefinition(definition),
    insertInstances: (definitionId, instances) => store.insertInstances(definitionId, instances),
    updateInstance: (definitionId, workflowId, patch) =>
      store.updateInstance(definitionId, workflowId, patch),
    failNext: (count, fault) => store.failNext(count, fault),
    clearFaults: () => store.clearFaults(),
    definitions: () => store.definitions(),
    setApiKeys: (apiKeys) => store.setApiKeys(apiKeys),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
