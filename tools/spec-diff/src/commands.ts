// `spec:diff` and `spec:gate` as functions of (cwd, options, env) → exit code + text, so the
// tests run them in throwaway repositories without a build or a child process.
import { readFileSync } from "node:fs";
import path from "node:path";
import { findPactFiles } from "@workflows-kit/spec";
import { parse } from "yaml";
import { type ChangesetScan, highestBumps, readChangesets } from "./changesets.js";
import { diffSpecsDetailed, type SpecChange } from "./classify.js";
import { type ConsumerCheck, findBrokenConsumers } from "./consumers.js";
import { type Base, pickBase, readAtCommit, repoRoot, shortSha } from "./git.js";
import { changeLine, formatChanges, summary } from "./report.js";

export const DEFAULT_SPEC = "spec/workflows.openapi.yaml";
/** The packages whose major version the spec's breaking changes must bump. */
export const GATED_PACKAGES = ["@workflows-kit/types", "@workflows-kit/client"] as const;

export interface Outcome {
  exitCode: number;
  /** for stdout */
  out: string;
  /** for stderr */
  err: string;
}

export interface DiffOptions {
  cwd: string;
  base?: string | undefined;
  /** SPEC_BASE is read from here, as the gate does */
  env?: Record<string, string | undefined>;
  json?: boolean;
  /** the spec, relative to the repository root */
  spec?: string | undefined;
}

export interface DiffReport {
  spec: string;
  base: Base;
  changes: SpecChange[];
  breaking: number;
  nonBreaking: number;
  /** the pacts each breaking change was checked against (its `breaks`), and checks that failed */
  consumers: ConsumerCheck;
}

function parseYaml(text: string, where: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw new Error(`${where} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

function loadPair(root: string, spec: string, base: Base): { before?: unknown; after: unknown } {
  const after = parseYaml(readFileSync(path.join(root, spec), "utf8"), spec);
  const old = readAtCommit(root, base.commit, spec);
  if (old === undefined) return { after };
  return { before: parseYaml(old, `${spec} at ${base.ref}`), after };
}

const describeBase = (b: Base) => `${b.ref} (${shortSha(b.commit)}, ${b.reason})`;

/** `--base`, else SPEC_BASE: the explicit base both commands honour. */
function explicitBase(base: string | undefined, env: Record<string, string | undefined> | undefined) {
  const fromEnv = env?.SPEC_BASE?.trim();
  if (base !== undefined) return { value: base, from: "--base" };
  return fromEnv ? { value: fromEnv, from: "SPEC_BASE" } : undefined;
}

/** The changes, each breaking one with the consumers (pacts under packages/*\/pacts/) it breaks. */
async function diffWithConsumers(root: string, before: unknown, after: unknown) {
  const diff = diffSpecsDetailed(before, after);
  // A repository without packages/ (a spec on its own) has no consumers to check.
  const pacts = await findPactFiles(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const consumers = await findBrokenConsumers(diff, pacts, root);
  return { changes: diff.changes, consumers };
}

function consumersNote(check: ConsumerCheck, changes: SpecChange[]): string {
  if (!changes.some((c) => c.breaking)) return "";
  if (check.pacts.length === 0)
    return "\nConsumers not checked: no pact files under packages/*/pacts/ (run `pnpm turbo run contract:consumer`).";
  const problems = check.problems.map((p) => `\n  ! ${p}`).join("");
  return `\nConsumers: each breaking change checked alone against ${check.pacts.join(", ")}.${problems}`;
}

export async function runDiff(options: DiffOptions): Promise<Outcome> {
  const spec = options.spec ?? DEFAULT_SPEC;
  const found = repoRoot(options.cwd);
  if ("error" in found) return { exitCode: 2, out: "", err: `spec:diff: ${found.error}\n` };
  const picked = pickBase(found.root, explicitBase(options.base, options.env));
  if ("error" in picked) return { exitCode: 2, out: "", err: `spec:diff: ${picked.error}\n` };
  if ("skip" in picked)
    return {
      exitCode: 2,
      out: "",
      err: `spec:diff: no base to compare ${spec} with (${picked.skip}); pass --base <git-ref> or set SPEC_BASE\n`,
    };
  const { base } = picked;
  try {
    const pair = loadPair(found.root, spec, base);
    if (pair.before === undefined)
      return {
        exitCode: 2,
        out: "",
        err: `spec:diff: ${spec} does not exist at ${describeBase(base)}: nothing to compare with\n`,
      };
    const { changes, consumers } = await diffWithConsumers(found.root, pair.before, pair.after);
    const breaking = changes.filter((c) => c.breaking).length;
    const report: DiffReport = {
      spec,
      base,
      changes,
      breaking,
      nonBreaking: changes.length - breaking,
      consumers,
    };
    if (options.json) return { exitCode: 0, out: `${JSON.stringify(report, null, 2)}\n`, err: "" };
    const via = `${describeBase(base)}${picked.notes.length ? `; ${picked.notes.join("; ")}` : ""}`;
    const head = `${spec}: ${via} → working tree: ${summary(changes)}`;
    const body = changes.length ? `\n${formatChanges(changes)}\n${consumersNote(consumers, changes)}` : "";
    return { exitCode: 0, out: `${head}\n${body}${body.endsWith("\n") || !body ? "" : "\n"}`, err: "" };
  } catch (error) {
    return { exitCode: 2, out: "", err: `spec:diff: ${(error as Error).message}\n` };
  }
}

export interface GateOptions {
  cwd: string;
  base?: string | undefined;
  env?: Record<string, string | undefined>;
  spec?: string | undefined;
}

export async function runGate(options: GateOptions): Promise<Outcome> {
  const spec = options.spec ?? DEFAULT_SPEC;
  const say = (exitCode: number, text: string): Outcome =>
    exitCode === 0 ? { exitCode, out: `${text}\n`, err: "" } : { exitCode, out: "", err: `${text}\n` };
  const found = repoRoot(options.cwd);
  if ("error" in found) return say(0, `spec:gate: skipped, no git history to compare with (${found.error})`);
  const picked = pickBase(found.root, explicitBase(options.base, options.env));
  if ("error" in picked) return say(2, `spec:gate: ${picked.error}`);
  if ("skip" in picked)
    return say(
      0,
      `spec:gate: skipped, no base to compare ${spec} with (${picked.skip}). ` +
        "Set SPEC_BASE=<git-ref> or fetch more history (e.g. fetch-depth 2) to gate.",
    );
  const { base } = picked;
  const via = `${describeBase(base)}${picked.notes.length ? `; ${picked.notes.join("; ")}` : ""}`;

  let changes: SpecChange[];
  let consumers: ConsumerCheck;
  try {
    const pair = loadPair(found.root, spec, base);
    if (pair.before === undefined)
      return say(
        0,
        `spec:gate: passed: ${spec} does not exist at ${describeBase(base)}, so nothing can break`,
      );
    ({ changes, consumers } = await diffWithConsumers(found.root, pair.before, pair.after));
  } catch (error) {
    return say(2, `spec:gate: ${(error as Error).message}`);
  }
  const breaking = changes.filter((c) => c.breaking);
  if (breaking.length === 0) return say(0, `spec:gate: passed: ${spec} against ${via}: ${summary(changes)}`);

  const scan: ChangesetScan = readChangesets(path.join(found.root, ".changeset"));
  const bumps = highestBumps(scan.changesets);
  const missing = GATED_PACKAGES.filter((p) => bumps.get(p)?.type !== "major");
  const list = breaking.map((c) => `  - ${changeLine(c)}`).join("\n");
  const problems =
    consumersNote(consumers, changes) +
    (scan.problems.length
      ? `\nIgnored .changeset files:\n${scan.problems.map((p) => `  - ${p}`).join("\n")}`
      : "");

  if (missing.length === 0) {
    const files = [...new Set(GATED_PACKAGES.flatMap((p) => bumps.get(p)?.files ?? []))].join(", ");
    return say(
      0,
      `spec:gate: passed: ${breaking.length} breaking change${breaking.length === 1 ? "" : "s"} in ${spec} against ${via}, ` +
        `released as major for ${GATED_PACKAGES.join(" and ")} (.changeset/${files}):\n${list}${problems}`,
    );
  }
  const have = missing
    .map((p) => {
      const b = bumps.get(p);
      return `${p} (${b ? `highest pending bump: ${b.type} in .changeset/${b.files.join(", .changeset/")}` : "no pending changeset"})`;
    })
    .join(", ");
  return say(
    1,
    `spec:gate: FAILED: ${breaking.length} breaking change${breaking.length === 1 ? "" : "s"} in ${spec} against ${via}:\n` +
      `${list}\n` +
      `A breaking spec change needs a major changeset for both ${GATED_PACKAGES.join(" and ")}; missing for ${have}.\n` +
      "Add one, e.g. .changeset/<name>.md:\n" +
      "---\n" +
      GATED_PACKAGES.map((p) => `"${p}": major`).join("\n") +
      "\n---\n\n<what breaks for clients and how to migrate>" +
      problems,
  );
}
