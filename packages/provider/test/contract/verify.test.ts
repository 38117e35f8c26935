// Pacts ⇄ provider: replays every consumer pact under packages/*/pacts against the reference
// provider; the state handlers (states.ts) build each provider state's data on its store.
import { Verifier } from "@pact-foundation/pact";
import { findPactFiles } from "@workflows-kit/spec";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Provider, ProviderStore, startProvider } from "../../src/index.js";
import { resetStore, stateHandlers } from "./states.js";

let provider: Provider;

beforeAll(async () => {
  provider = await startProvider({ store: new ProviderStore({ definitions: [] }) });
});
afterAll(() => provider.close());

function verify(target: Provider, pactUrls: string[]) {
  return new Verifier({
    provider: "workflows-api",
    providerBaseUrl: target.url,
    pactUrls,
    stateHandlers: stateHandlers(target.store),
    // Each interaction starts from nothing: no data, any bearer key accepted, no faults queued.
    beforeEach: async () => resetStore(target.store),
    logLevel: "warn",
  }).verifyProvider();
}

it("runs without Pact's anonymous usage tracking (the task sets PACT_DO_NOT_TRACK)", () => {
  expect(process.env.PACT_DO_NOT_TRACK).toBe("true");
});

it("honours every pact of every consumer", async () => {
  const pactUrls = await findPactFiles();
  expect(pactUrls.length).toBeGreaterThan(0);
  expect(await verify(provider, pactUrls)).toContain("workflows-api");
});

it("fails a provider that counts offset in items: the pacts pin the unit", async () => {
  const itemsProvider = await startProvider({ definitions: [], offsetUnit: "items" });
  try {
    await expect(verify(itemsProvider, await findPactFiles())).rejects.toThrow();
  } finally {
    await itemsProvider.close();
  }
});
