import type { WorkflowInstance } from "@workflows-kit/client";
import { generateInstances } from "@workflows-kit/provider";

export const accountId = "acme";
export const definitionId = "5870442f-3ddd-4657-b74c-6e17308f5230";
/** A definition the providers below do not know. */
export const unknownDefinitionId = "2aa9465e-dec7-4c3e-8fa6-bd168af9eaca";
export const ids = ["--account", accountId, "--definition", definitionId];

/** An instance with its fields in the API's order, of version 2 unless given. */
const make = (
  i: Omit<WorkflowInstance, "definitionId" | "version"> & { version?: number },
): WorkflowInstance => ({
  workflowId: i.workflowId,
  data: i.data,
  definitionId,
  version: i.version ?? 2,
  status: i.status,
  startedAt: i.startedAt,
  completedAt: i.completedAt,
});

/**
 * Four hand-made instances, newest first: 7-digit timestamps 100 ns apart, payloads with commas,
 * quotes, CR/LF and non-ASCII, and one instance of an older version.
 */
export const handmade: WorkflowInstance[] = [
  make({
    workflowId: "60dbe307fe55d99fc083db63",
    status: "Complete",
    startedAt: "2021-06-30T03:20:41.1234567Z",
    completedAt: "2021-06-30T03:21:41.1234568Z",
    data: { accountId, triggeredAt: "2021-06-30T03:20:41.1Z", payload: { text: 'Hello, "world"' } },
  }),
  make({
    workflowId: "60dbe306fe55d99fc083db62",
    status: "Terminated",
    startedAt: "2021-06-30T03:20:40.5000000Z",
    completedAt: "2021-06-30T03:20:40.5000001Z",
    data: { accountId, triggeredAt: "2021-06-30T03:20:40.4Z", payload: { text: "line 1\r\nline 2\nüñï" } },
  }),
  make({
    workflowId: "60dbe305fe55d99fc083db61",
    status: "Runnable",
    startedAt: "2021-06-30T03:20:39.49Z",
    completedAt: null,
    data: { accountId, triggeredAt: "2021-06-30T03:20:39.3857479Z" },
  }),
  make({
    version: 1,
    workflowId: "60dbe304fe55d99fc083db60",
    status: "Suspended",
    startedAt: "2021-06-29T00:00:00Z",
    completedAt: null,
    data: { accountId, triggeredAt: "2021-06-29T00:00:00Z" },
  }),
];
/** The instances a call without --version sees (the latest version, 2). */
export const handmadeLatest = handmade.filter((i) => i.version === 2);

/** `count` generated instances of one version, so every one is visible without --version. */
export function generated(count: number, seed = 7): WorkflowInstance[] {
  return generateInstances({ seed, accountId, definitionId, count, versions: 1 });
}
