import { ranges } from "@workflows-kit/contract-check";
import type { SpecChange } from "./classify.js";

export function summary(changes: SpecChange[]): string {
  const breaking = changes.filter((c) => c.breaking).length;
  if (changes.length === 0) return "no client-visible changes";
  return `${changes.length} change${changes.length === 1 ? "" : "s"}: ${breaking} breaking, ${changes.length - breaking} non-breaking`;
}

/** `breaks workflows-cli #1–3, workflows-monitor #2`, `no consumer pins it`, or why it is unknown. */
export function consumersText(c: SpecChange): string | undefined {
  if (c.unchecked !== undefined && !c.breaks?.length) return `consumers not checked: ${c.unchecked}`;
  if (c.breaks === undefined) return undefined;
  if (c.breaks.length === 0) return "no consumer pins it";
  const named = c.breaks.map((b) => `${b.consumer} ${ranges(b.interactions.map((i) => i.number))}`);
  return `breaks ${named.join(", ")}`;
}

/** One block per operation; one line per change: impact, kind, location, then why (and whom it breaks). */
export function formatChanges(changes: SpecChange[], indent = ""): string {
  const lines: string[] = [];
  const kindWidth = Math.max(0, ...changes.map((c) => c.kind.length));
  const pad = `${indent}  ${" ".repeat(12)}  ${" ".repeat(kindWidth)}  `;
  let operation: string | undefined;
  for (const c of changes) {
    if (c.operation !== operation) {
      operation = c.operation;
      lines.push(`${indent}${operation}`);
    }
    const impact = c.breaking ? "BREAKING    " : "non-breaking";
    lines.push(`${indent}  ${impact}  ${c.kind.padEnd(kindWidth)}  ${c.location || "(operation)"}`);
    lines.push(`${pad}${c.why}`);
    const consumers = consumersText(c);
    if (consumers) lines.push(`${pad}→ ${consumers}`);
  }
  return lines.join("\n");
}

/** A single line naming a change, for the gate's failure message. */
export function changeLine(c: SpecChange): string {
  const consumers = consumersText(c);
  return `${c.path} [${c.kind}]: ${c.why}${consumers ? ` → ${consumers}` : ""}`;
}
