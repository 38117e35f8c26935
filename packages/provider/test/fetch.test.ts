// The provider as an injected `fetch`: what a client's unit test gets, without a socket.
import { describe, expect, it } from "vitest";
import { createProviderFetch, ProviderStore } from "../src/index.js";
import { definitionId, instances, latest, makeStore, path } from "./fixtures.js";

const BASE = "http://provider.test";
const headers = { authorization: "Bearer good-key" };

describe("createProviderFetch", () => {
  it("answers like the server: status, JSON body and content-type", async () => {
    const fetch = createProviderFetch(makeStore());
    const response = await fetch(`${BASE}${path()}?limit=2&offset=1`, { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual(latest.slice(2, 4));
  });

  it("takes a Request or a URL, as fetch does", async () => {
    const fetch = createProviderFetch(makeStore());
    const request = new Request(`${BASE}${path()}?limit=1`, { headers });
    expect(await (await fetch(request)).json()).toEqual(latest.slice(0, 1));
    const url = new URL(`${BASE}${path()}?limit=1`);
    expect((await fetch(url, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });

  it("serves the store it is given: set-up and faults through it show on the next request", async () => {
    const store = makeStore();
    const fetch = createProviderFetch(store);
    expect(fetch.store).toBe(store);
    store.failNext(1, { status: 429, retryAfterSeconds: 2 });
    const limited = await fetch(`${BASE}${path()}`, { headers });
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "2"]);
    expect(await limited.json()).toMatchObject({ code: 1100, message: "Too many requests." });
    store.setDefinitions([]);
    expect((await fetch(`${BASE}${path()}`, { headers })).status).toBe(404);
    expect(store.requests.map((r) => r.url)).toEqual([path(), path()]);
  });

  it("makes a store from the store's options", async () => {
    const fetch = createProviderFetch({ instances, offsetUnit: "items", apiKeys: ["k"] });
    expect(fetch.store).toBeInstanceOf(ProviderStore);
    const page = await fetch(`${BASE}${path()}?limit=2&offset=1`, { headers: { authorization: "Bearer k" } });
    expect(await page.json()).toEqual(latest.slice(1, 3));
  });

  it("rejects with the signal's reason when it is already aborted, and records nothing", async () => {
    const store = makeStore();
    const fetch = createProviderFetch(store);
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(fetch(`${BASE}${path()}`, { headers, signal: controller.signal })).rejects.toThrow("stop");
    expect(store.requests).toEqual([]);
  });

  it("rejects a relative URL with fetch's TypeError", async () => {
    await expect(createProviderFetch(makeStore())(path(definitionId))).rejects.toThrow(TypeError);
  });
});
