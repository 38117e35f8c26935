import type { SpecChange } from "./classify.js";

export function summary(changes: SpecChange[]): string {
  const breaking = changes.filter((c) => c.breaking).length;
  if (changes.length === 0) return "no client-visible changes";
  return `${changes.length} change${changes.length === 1 ? "" : "s"}: ${breaking} breaking, ${changes.length - breaking} non-breaking`;
}

/** One block per operation; one line per change: impact, kind, location, then why. */
export function formatChanges(changes: SpecChange[], indent = ""): string {
  const lines: string[] = [];
  const kindWidth = Math.max(0, ...changes.map((c) => c.kind.length));
  let operation: string | undefined;
  for (const c of changes) {
    if (c.operation !== operation) {
      operation = c.operation;
      lines.push(`${indent}${operation}`);
    }
    const impact = c.breaking ? "BREAKING    " : "non-breaking";
    lines.push(`${indent}  ${impact}  ${c.kind.padEnd(kindWidth)}  ${c.location || "(operation)"}`);
    lines.push(`${indent}  ${" ".repeat(12)}  ${" ".repeat(kindWidth)}  ${c.why}`);
  }
  return lines.join("\n");
}

/** A single line naming a change, for the gate's failure message. */
export function changeLine(c: SpecChange): string {
  return `${c.path} [${c.kind}]: ${c.why}`;
}
