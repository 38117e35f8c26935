// The main job of the quick start: start the reference provider on a free loopback port with its
// seeded demo data, then use @workflows-kit/client as an application would: one page, a filtered
// walk, a summary. No API key, no network.
import { createWorkflowsClient, NotFoundError } from "@workflows-kit/client";
import { startProvider } from "@workflows-kit/provider";

const provider = await startProvider({ seed: 1 });
try {
  const [definition] = provider.definitions();
  const { accountId, definitionId } = definition;
  const client = createWorkflowsClient({ apiKey: "local-demo-key", baseUrl: provider.url });
  console.log(`reference provider on ${provider.url}; definition ${definitionId} (account ${accountId})\n`);

  const page = await client.listWorkflowInstances({ accountId, definitionId, limit: 5 });
  console.log("newest 5 instances (one page, limit=5):");
  console.table(
    page.map((i) => ({
      workflowId: i.workflowId,
      version: i.version,
      status: i.status,
      startedAt: i.startedAt,
    })),
  );

  const counts = {};
  let walked = 0;
  for await (const instance of client.iterateWorkflowInstances({ accountId, definitionId, pageSize: 500 })) {
    counts[instance.status] = (counts[instance.status] ?? 0) + 1;
    walked++;
  }
  console.log(`\nall ${walked} instances of the latest version, walked 500 per page, by status:`);
  console.table(counts);

  const failed = [];
  for await (const i of client.iterateWorkflowInstances({
    accountId,
    definitionId,
    status: "Terminated",
    startTimeFrom: "2026-10-31T00:00:00Z",
    maxItems: 3,
  })) {
    failed.push({ workflowId: i.workflowId, startedAt: i.startedAt, completedAt: i.completedAt });
  }
  console.log("\nfirst 3 Terminated instances since 2026-10-31 (status + startTimeFrom filters, maxItems):");
  console.table(failed);

  try {
    await client.listWorkflowInstances({ accountId, definitionId: "2aa9465e-dec7-4c3e-8fa6-bd168af9eaca" });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    console.log(
      `\nan unknown definition is a typed error: ${error.name} status=${error.status} code=${error.code}`,
    );
  }
} finally {
  await provider.close();
}
