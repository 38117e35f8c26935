// The node:http adapter on a loopback socket: what only the socket adds (framing, listen errors,
// close). Everything else is the handler's, tested in memory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Provider, startProvider } from "../src/index.js";
import { latest, makeStore, path } from "./fixtures.js";

const headers = { authorization: "Bearer good-key" };
let provider: Provider;

beforeAll(async () => {
  provider = await startProvider({ store: makeStore() });
});
afterAll(() => provider.close());

describe("startProvider", () => {
  it("serves the handler's answers with Content-Type and Content-Length", async () => {
    expect(provider.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${provider.url}${path()}?limit=2`, { headers });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(JSON.parse(body)).toEqual(latest.slice(0, 2));
  });

  it("exposes the store's methods and records requests as they came", async () => {
    provider.failNext(1, { status: 429, retryAfterSeconds: 4 });
    const limited = await fetch(`${provider.url}${path()}?limit=1`, { headers });
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "4"]);
    await limited.body?.cancel();
    expect(provider.requests.at(-1)).toEqual({ method: "GET", url: `${path()}?limit=1` });
    expect(provider.requests).toBe(provider.store.requests);
  });

  it("makes its store from the options when given none", async () => {
    const items = await startProvider({ definitions: provider.definitions(), offsetUnit: "items" });
    try {
      const response = await fetch(`${items.url}${path()}?limit=2&offset=1`, { headers });
      expect(await response.json()).toEqual(latest.slice(1, 3));
    } finally {
      await items.close();
    }
  });

  it("rejects with Node's EADDRINUSE when the port is taken, and a RangeError for a bad port", async () => {
    const port = Number(new URL(provider.url).port);
    await expect(startProvider({ port, definitions: [] })).rejects.toMatchObject({ code: "EADDRINUSE" });
    await expect(startProvider({ port: 65_536 })).rejects.toThrow(RangeError);
    await expect(startProvider({ port: Number.NaN })).rejects.toThrow(
      "port must be an integer from 0 to 65535",
    );
  });

  it("close() ends open connections and frees the port", async () => {
    const other = await startProvider({ definitions: [] });
    const { port } = new URL(other.url);
    const response = await fetch(`${other.url}/x`); // a keep-alive connection stays open
    await response.text();
    await other.close();
    await expect(fetch(`${other.url}/x`)).rejects.toThrow(TypeError);
    const again = await startProvider({ port: Number(port), definitions: [] });
    await again.close();
  });
});
