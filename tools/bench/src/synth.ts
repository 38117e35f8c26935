import { formatTimestamp } from "@workflows-kit/provider";
import { toTicks, type WorkflowInstance, type WorkflowStatus } from "@workflows-kit/types";

/** The ids every benchmark asks for (any server here ignores or accepts them). */
export const ACCOUNT_ID = "acme";
export const DEFINITION_ID = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const WORKFLOWS_PATH = `/api/v1/accounts/${ACCOUNT_ID}/definitions/${DEFINITION_ID}/workflows`;

const NEWEST_MS = Date.parse("2026-11-01T12:00:00Z");
const GAP_MS = 1_000;
const STATUSES: WorkflowStatus[] = [
  "Complete",
  "Complete",
  "Runnable",
  "Complete",
  "Terminated",
  "Suspended",
];
const hex = (value: number, width: number) => value.toString(16).padStart(width, "0");

/**
 * Instance `index` of a synthetic newest-first list, computed from the index alone: one start a
 * second, so `startedAt` is strictly decreasing and a million instances need no memory at all.
 */
export function synthInstance(index: number): WorkflowInstance {
  const started = NEWEST_MS - index * GAP_MS;
  const status = STATUSES[index % STATUSES.length] as WorkflowStatus;
  const done = status === "Complete" || status === "Terminated";
  return {
    workflowId: `${hex(Math.floor(started / 1000), 8)}${hex(index, 16)}`,
    data: {
      payload: {
        umid: `${hex(index, 8)}-0000-4000-8000-${hex(index * 7919, 12).slice(-12)}`,
        user: { channelUserId: `user_${index % 500}`, name: `User ${index % 97}` },
        content: { text: `Message ${index}` },
      },
      accountId: ACCOUNT_ID,
      triggeredAt: formatTimestamp(started - 120, 7, index % 10_000),
    },
    definitionId: DEFINITION_ID,
    version: 1,
    status,
    startedAt: formatTimestamp(started, 7),
    completedAt: done ? formatTimestamp(started + 500 + (index % 90_000), 7) : null,
  };
}

/** `JSON.stringify(synthInstance(index))`, written out (twice as fast: the server of a 1M walk). */
export function synthJson(index: number): string {
  const started = NEWEST_MS - index * GAP_MS;
  const status = STATUSES[index % STATUSES.length] as WorkflowStatus;
  const done = status === "Complete" || status === "Terminated";
  const completedAt = done ? `"${formatTimestamp(started + 500 + (index % 90_000), 7)}"` : "null";
  return (
    `{"workflowId":"${hex(Math.floor(started / 1000), 8)}${hex(index, 16)}",` +
    `"data":{"payload":{"umid":"${hex(index, 8)}-0000-4000-8000-${hex(index * 7919, 12).slice(-12)}",` +
    `"user":{"channelUserId":"user_${index % 500}","name":"User ${index % 97}"},` +
    `"content":{"text":"Message ${index}"}},"accountId":"${ACCOUNT_ID}",` +
    `"triggeredAt":"${formatTimestamp(started - 120, 7, index % 10_000)}"},` +
    `"definitionId":"${DEFINITION_ID}","version":1,"status":"${status}",` +
    `"startedAt":"${formatTimestamp(started, 7)}","completedAt":${completedAt}}`
  );
}

/** First index whose `startedAt` is at or before `startTimeTo` (inclusive, 100 ns precision). */
function firstAtOrBefore(startTimeTo: string | null): number {
  const ticks = startTimeTo === null ? undefined : toTicks(startTimeTo);
  if (ticks === undefined) return 0;
  const millis = Number(ticks / 10_000n);
  return Math.max(0, Math.ceil((NEWEST_MS - millis) / GAP_MS));
}

/**
 * The JSON of one page of `count` synthetic instances: `limit`, `offset` (in pages, as the spec
 * says), `startTimeTo` and `version` (always 1) honoured; built per request, nothing kept.
 */
export function synthPage(count: number, query: URLSearchParams): string {
  const limit = Number(query.get("limit") ?? 100);
  const offset = Number(query.get("offset") ?? 0);
  const version = query.get("version");
  if (version !== null && version !== "1") return "[]";
  const start = firstAtOrBefore(query.get("startTimeTo")) + offset * limit;
  const end = Math.min(count, start + limit);
  const parts: string[] = [];
  for (let index = start; index < end; index++) parts.push(synthJson(index));
  return `[${parts.join(",")}]`;
}
