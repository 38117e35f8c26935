#!/usr/bin/env node
// node dist/cli.js diff [--base <git-ref>] [--json] [--out <file>] [--spec <path>]
// node dist/cli.js gate [--base <git-ref>] [--spec <path>]      (env SPEC_BASE = --base)
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Outcome, runDiff, runGate } from "./commands.js";
import { repoRoot } from "./git.js";

const USAGE = `usage:
  spec-diff diff [--base <git-ref>] [--json] [--out <file>] [--spec <path>]
      Lists every change of the spec since <git-ref> (default: the gate's base, below), breaking or
      not for clients, and for each breaking change the consumers' pact interactions it breaks.
      --out writes the report to <file> (relative to the repository
      root) as well; --spec defaults to spec/workflows.openapi.yaml.
  spec-diff gate [--base <git-ref>] [--spec <path>]
      Fails when the spec has a breaking change and .changeset/ lacks a major changeset for both
      @workflows-kit/types and @workflows-kit/client.
  Base (both): --base, SPEC_BASE, the last release tag, the merge-base with origin/main, HEAD~1;
  without any, diff exits 2 and the gate is skipped.`;

export async function main(
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<Outcome> {
  // pnpm and turbo may forward a literal "--" before the task's arguments.
  const args = argv.filter((a) => a !== "--");
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    return { exitCode: 2, out: "", err: `${(error as Error).message}\n${USAGE}\n` };
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help) return { exitCode: 0, out: `${USAGE}\n`, err: "" };
  if (extra.length > 0) return { exitCode: 2, out: "", err: `unexpected argument ${extra[0]}\n${USAGE}\n` };
  if (command === "gate") return runGate({ cwd, base: values.base, spec: values.spec, env });
  if (command !== "diff") return { exitCode: 2, out: "", err: `${USAGE}\n` };

  const outcome = await runDiff({
    cwd,
    base: values.base,
    env,
    json: values.json === true,
    spec: values.spec,
  });
  if (values.out && outcome.exitCode === 0) {
    const found = repoRoot(cwd);
    const file = path.resolve("root" in found ? found.root : cwd, values.out);
    writeFileSync(file, outcome.out);
    return { ...outcome, out: values.json ? `spec:diff: report written to ${file}\n` : outcome.out };
  }
  return outcome;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      base: { type: "string" },
      spec: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outcome = await main(process.argv.slice(2), process.cwd(), process.env);
  process.stdout.write(outcome.out);
  process.stderr.write(outcome.err);
  process.exitCode = outcome.exitCode;
}
