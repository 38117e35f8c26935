// Pacts ⇄ provider: replays every consumer pact under packages/*/pacts against the reference
// provider; the state handlers (states.ts) build each provider state's data on its store.
import { Verifier } from "@pact-foundation/pact";
import { gitVersion, verificationPublishing } from "@workflows-kit/contract-publish";
import { findPactFiles, workspaceRoot } from "@workflows-kit/spec";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Provider, ProviderStore, startProvider } from "../../src/index.js";
import { resetStore, stateHandlers } from "./states.js";

let provider: Provider;

beforeAll(async () => {
  provider = await startProvider({ store: new ProviderStore({ definitions: [] }) });
});
afterAll(() => provider.close());

function verify(target: Provider, pactUrls: string[], publishing: Record<string, unknown> = {}) {
  return new Verifier({
    provider: "workflows-api",
    providerBaseUrl: target.url,
    pactUrls,
    ...publishing,
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
  // Resolves only when every interaction holds (the test below shows it rejecting).
  await expect(verify(provider, pactUrls)).resolves.toBeDefined();
});

it("fails a provider that counts offset in items: the pacts pin the unit", async () => {
  const itemsProvider = await startProvider({ definitions: [], offsetUnit: "items" });
  // Pact's core prints its report on stdout: say that the FAILED lines below are this test's point.
  console.info("▼ expected to fail: the pacts verified on a provider that counts offset in items");
  try {
    await expect(verify(itemsProvider, await findPactFiles())).rejects.toThrow();
    console.info("▲ it failed, as it must: the pacts pin the offset unit");
  } finally {
    await itemsProvider.close();
  }
});

// --- Publishing verification results (tools/contract-publish) ----------------------------------
// With PACT_BROKER_BASE_URL + PACT_BROKER_TOKEN: the broker's pacts for workflows-api, verified on the
// reference provider, results published as provider version = git sha on its branch. Without them it
// says what it would publish. Only this test publishes: the drifted provider above must not.
const publishing = verificationPublishing(process.env, () => gitVersion(workspaceRoot, process.env));
console.info(publishing.summary);
it.runIf(publishing.options !== undefined)(
  "verifies the broker's pacts and publishes the results",
  async () => {
    await expect(verify(provider, [], publishing.options)).resolves.toBeDefined();
  },
);
