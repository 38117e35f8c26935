import type { WorkflowInstance } from "@workflows-kit/client";

export type Align = "left" | "right";

/** Rows padded to each column's widest cell, two spaces apart, trailing spaces trimmed. */
export function formatTable(rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          align[i] === "right" ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** Table columns; `data` is left out (use json, ndjson or csv to see it). */
export const TABLE_COLUMNS = ["workflowId", "version", "status", "startedAt", "completedAt"] as const;

/** A header row and one row per instance; a missing `completedAt` shows as `-`. */
export function formatInstanceTable(instances: readonly WorkflowInstance[]): string {
  const rows = instances.map((i) => [
    i.workflowId,
    String(i.version),
    i.status,
    i.startedAt,
    i.completedAt ?? "-",
  ]);
  return formatTable([TABLE_COLUMNS, ...rows], ["left", "right"]);
}
