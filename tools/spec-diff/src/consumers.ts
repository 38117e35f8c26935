// Which consumers a breaking change breaks: each breaking change is applied alone to the base (its
// differences of the client views, see classify.ts) and every pact is checked against the result by
// contract-check (both of PactFlow's validators). An interaction that holds against the base and no
// longer holds with the change is broken by it. Checked alone, two changes to one field are each
// blamed for what they break, not for what the other does.
import { statSync } from "node:fs";
import path from "node:path";
import { checkPacts, type Finding } from "@workflows-kit/contract-check";
import type { ConsumerBreak, DetailedDiff, SpecChange } from "./classify.js";
import { applyDifferences, viewToSpec } from "./denormalize.js";

/**
 * Checks by content: the same document against the same pact files (path, size, mtime) answers
 * from memory, so changes made of the same differences, or a base shared by a diff and a gate in
 * one process, are checked once (a validator run costs ≈0.1 s per interaction).
 */
const checked = new Map<string, Promise<Finding[]>>();
export function cachedCheck(
  document: Record<string, unknown>,
  pactFiles: readonly string[],
): Promise<Finding[]> {
  const files = pactFiles.map((f) => {
    const { size, mtimeMs } = statSync(f);
    return [f, size, mtimeMs];
  });
  const id = JSON.stringify([document, files]);
  let findings = checked.get(id);
  if (!findings) {
    findings = checkPacts({ document }, pactFiles);
    findings.catch(() => checked.delete(id));
    checked.set(id, findings);
    // Bounded: the oldest entry goes first.
    if (checked.size > 32) checked.delete(checked.keys().next().value as string);
  }
  return findings;
}

const key = (f: Finding) => JSON.stringify([f.validator, f.file, f.number, f.code, f.location, f.message]);

export interface ConsumerCheck {
  /** the pact files checked, relative to the repository root */
  pacts: string[];
  /** checks that failed to run, if any (the changes they concern carry `unchecked`) */
  problems: string[];
}

/** Sets `breaks` (or `unchecked`) on every breaking change of `diff`. */
export async function findBrokenConsumers(
  diff: DetailedDiff,
  pactFiles: readonly string[],
  root: string,
): Promise<ConsumerCheck> {
  const relative = (file: string) => path.relative(root, file).split(path.sep).join("/");
  const check: ConsumerCheck = { pacts: pactFiles.map(relative), problems: [] };
  const breaking = diff.changes.filter((c) => c.breaking);
  if (breaking.length === 0 || pactFiles.length === 0) return check;

  const run = (view: Record<string, unknown>) => cachedCheck(viewToSpec(view, diff.labels), pactFiles);
  let baseline: Set<string>;
  try {
    baseline = new Set((await run(diff.base.view)).map(key));
  } catch (error) {
    const problem = `the pacts could not be checked against the base: ${(error as Error).message}`;
    check.problems.push(problem);
    for (const c of breaking) c.unchecked = problem;
    return check;
  }
  for (const change of breaking) {
    try {
      const findings = await run(applyDifferences(diff.base.view, diff.sourcesOf(change)));
      attribute(
        change,
        findings.filter((f) => !baseline.has(key(f))),
        relative,
      );
    } catch (error) {
      change.unchecked = (error as Error).message;
      check.problems.push(`${change.path}: ${change.unchecked}`);
    }
  }
  return check;
}

function attribute(change: SpecChange, findings: Finding[], relative: (file: string) => string): void {
  const byPact = new Map<string, ConsumerBreak>();
  const whole: string[] = [];
  for (const f of findings) {
    if (f.number === undefined) {
      whole.push(`${relative(f.file)}: ${f.message}`);
      continue;
    }
    let entry = byPact.get(f.file);
    if (!entry) {
      entry = { consumer: f.consumer, provider: f.provider, pact: relative(f.file), interactions: [] };
      byPact.set(f.file, entry);
    }
    if (!entry.interactions.some((i) => i.number === f.number))
      entry.interactions.push({ number: f.number, description: f.interaction });
  }
  for (const entry of byPact.values()) entry.interactions.sort((a, b) => a.number - b.number);
  change.breaks = [...byPact.values()].sort((a, b) => a.consumer.localeCompare(b.consumer));
  if (whole.length > 0) change.unchecked = `a validator failed on the whole pact: ${whole.join("; ")}`;
}
