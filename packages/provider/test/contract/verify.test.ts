// Pacts ⇄ provider: replays every consumer pact under packages/*/pacts against the reference
// provider, with a handler that builds exactly the data each provider state describes.
import { Verifier } from "@pact-foundation/pact";
import { gitVersion, verificationPublishing } from "@workflows-kit/contract-publish";
import { findPactFiles, workspaceRoot } from "@workflows-kit/spec";
import type { WorkflowInstance, WorkflowStatus } from "@workflows-kit/types";
import { afterAll, beforeAll, expect, it } from "vitest";
import { formatTimestamp, generateInstances, type Provider, startProvider } from "../../src/index.js";

let provider: Provider;

beforeAll(async () => {
  provider = await startProvider({ definitions: [] });
});
afterAll(() => provider.close());

/** Finished (Complete or Terminated) instances with a given status and version. */
function finished(
  instances: WorkflowInstance[],
  status: WorkflowStatus,
  version: number,
): WorkflowInstance[] {
  return instances.map((i) => ({
    ...i,
    status,
    version,
    completedAt: formatTimestamp(Date.parse(i.startedAt) + 60_000, 2),
  }));
}

type Params = Record<string, string | number>;
const str = (params: unknown, key: string) => String((params as Params)[key]);

/** State handlers that build each provider state's data on `provider`. */
const handlersFor = (provider: Provider) => ({
  "definition {definitionId} of account {accountId} has exactly these finished instances of version 1, newest first: {instances}":
    async (params: unknown) => {
      const accountId = str(params, "accountId");
      const definitionId = str(params, "definitionId");
      const wanted = (params as { instances: { workflowId: string; startedAt: string }[] }).instances;
      const generated = generateInstances({
        seed: 11,
        accountId,
        definitionId,
        count: wanted.length,
        versions: 1,
      });
      const instances = finished(generated, "Complete", 1).map((instance, i) => ({
        ...instance,
        ...wanted[i],
      }));
      provider.setDefinitions([{ definitionId, accountId, latestVersion: 1, instances }]);
      return undefined;
    },
  "definition {definitionId} of account {accountId} has Complete and Terminated instances of versions 1 and 2, started on 2021-06-30 and 2021-07-01":
    async (params: unknown) => {
      const accountId = str(params, "accountId");
      const definitionId = str(params, "definitionId");
      const instances = ["2021-06-30T12:00:00Z", "2021-07-01T12:00:00Z"].flatMap((day, d) =>
        [1, 2].flatMap((version) =>
          (["Complete", "Terminated"] as const).flatMap((status, s) =>
            finished(
              generateInstances({
                seed: 100 + d * 10 + version * 2 + s,
                accountId,
                definitionId,
                count: 2,
                newest: new Date(day),
              }),
              status,
              version,
            ),
          ),
        ),
      );
      provider.setDefinitions([{ definitionId, accountId, instances }]);
      return undefined;
    },
  "definition {definitionId} does not exist": async () => {
    provider.setDefinitions([]);
    return undefined;
  },
  "the API key {apiKey} is not valid": async (params: unknown) => {
    provider.setApiKeys([`not-${str(params, "apiKey")}`]);
    return undefined;
  },
});

function verify(target: Provider, pactUrls: string[], publishing: Record<string, unknown> = {}) {
  return new Verifier({
    provider: "workflows-api",
    providerBaseUrl: target.url,
    pactUrls,
    ...publishing,
    stateHandlers: handlersFor(target),
    // Each interaction starts from nothing: no data, any bearer key accepted.
    beforeEach: async () => {
      target.setDefinitions([]);
      target.setApiKeys(undefined);
    },
    logLevel: "warn",
  }).verifyProvider();
}

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

// --- Publishing verification results (tools/contract-publish) ----------------------------------
// With PACT_BROKER_BASE_URL + PACT_BROKER_TOKEN: the broker's pacts for workflows-api, verified on the
// reference provider, results published as provider version = git sha on its branch. Without them it
// says what it would publish. Only this test publishes: the drifted provider above must not.
const publishing = verificationPublishing(process.env, () => gitVersion(workspaceRoot, process.env));
console.info(publishing.summary);
it.runIf(publishing.options !== undefined)(
  "verifies the broker's pacts and publishes the results",
  async () => {
    expect(await verify(provider, [], publishing.options)).toContain("workflows-api");
  },
);
