import type { WorkflowInstance } from "@workflows-kit/client";

/** CSV columns, in order; `data` is the instance's payload as one JSON string. */
export const CSV_COLUMNS = [
  "workflowId",
  "definitionId",
  "version",
  "status",
  "startedAt",
  "completedAt",
  "data",
] as const;

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One RFC 4180 record, CRLF-terminated. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

/** The header record. */
export function csvHeader(): string {
  return csvRecord(CSV_COLUMNS);
}

/** One record per instance; a missing `completedAt` is an empty field. */
export function csvRows(instances: readonly WorkflowInstance[]): string {
  return instances
    .map((i) =>
      csvRecord([
        i.workflowId,
        i.definitionId,
        String(i.version),
        i.status,
        i.startedAt,
        i.completedAt ?? "",
        JSON.stringify(i.data),
      ]),
    )
    .join("");
}
