// The reference provider as a `fetch`: in memory, no socket, the same handler as the server.
import { createProviderHandler } from "./handler.js";
import { ProviderStore, type StoreOptions } from "./store.js";

/** A `fetch` answered by the reference provider; `store` is the data it serves. */
export type ProviderFetch = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  readonly store: ProviderStore;
};

/**
 * The reference provider as a `fetch` function, for the client's `fetch` option in unit tests:
 * every request is answered in memory by the same handler as `startProvider`. Pass a store to share
 * it (set data, faults), or the store's options to make one (`fetch.store`). Absolute URLs only, as
 * with the platform's fetch; the host is not looked at. An already aborted `signal` rejects.
 */
export function createProviderFetch(storeOrOptions: ProviderStore | StoreOptions = {}): ProviderFetch {
  const store = storeOrOptions instanceof ProviderStore ? storeOrOptions : new ProviderStore(storeOrOptions);
  const handle = createProviderHandler(store);
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    request.signal.throwIfAborted();
    const { pathname, search } = new URL(request.url);
    const reply = handle({
      method: request.method,
      url: `${pathname}${search}`,
      headers: Object.fromEntries(request.headers),
    });
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  };
  return Object.assign(fetch, { store });
}
