#!/usr/bin/env node
// contract-check [check] [--spec FILE]: every pact under packages/*/pacts/ against the spec, by both
//   validators, and each consumer's CONTRACTS.md matrix up to date. Exit 1 on any finding.
// contract-check matrix [--spec FILE]: rewrites the generated matrix section of each CONTRACTS.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { findPactFiles, loadSpec, workspaceRoot as root, specPath } from "@workflows-kit/spec";
import { checkPacts, formatFindings, VALIDATORS } from "./check.js";
import { contractsMdUpdates } from "./matrix.js";
import { readPacts } from "./pacts.js";

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { spec: { type: "string" } },
});
const command = positionals[0] ?? "check";
if (command !== "check" && command !== "matrix") {
  console.error(`contract-check: unknown command ${command} (check | matrix)`);
  process.exit(2);
}
const specFile = options.spec ? path.resolve(options.spec) : specPath;
const relative = (file: string) => path.relative(root, file);
const files = await findPactFiles();
if (files.length === 0) {
  console.error("contract-check: no pact files under packages/*/pacts/ (run contract:consumer first)");
  process.exit(1);
}
const spec = loadSpec(specFile);
const sources = await readPacts(files);
const updates = contractsMdUpdates(sources, spec, (file) =>
  existsSync(file) ? readFileSync(file, "utf8") : undefined,
);

if (command === "matrix") {
  for (const u of updates) {
    if (u.current === u.expected) console.log(`contract:matrix: ${relative(u.file)} is up to date`);
    else {
      writeFileSync(u.file, u.expected);
      console.log(`contract:matrix: ${relative(u.file)} written`);
    }
  }
  process.exit(0);
}

const findings = await checkPacts({ document: spec, file: specFile }, files);
for (const line of formatFindings(findings, root)) console.log(line);
const stale = updates.filter((u) => u.current !== u.expected);
for (const u of stale)
  console.log(
    `  ✗ ${relative(u.file)}: ${u.current === undefined ? "missing" : "its contract matrix is out of date"} ` +
      "(run `pnpm turbo run contract:matrix` and commit it)",
  );
const interactions = sources.reduce((n, s) => n + s.pact.interactions.length, 0);
const checked = `${files.length} pact file(s), ${interactions} interactions, against ${relative(specFile)} by ${VALIDATORS.join(" and ")}`;
if (findings.length > 0 || stale.length > 0) {
  console.error(
    `contract:check: FAILED: ${findings.length} finding(s) in ${checked}` +
      `${stale.length ? `; ${stale.length} CONTRACTS.md out of date` : ""} (see above).`,
  );
  process.exit(1);
}
console.log(`contract:check: 0 findings in ${checked}; every CONTRACTS.md matrix is up to date.`);
