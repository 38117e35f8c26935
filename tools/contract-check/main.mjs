// `contract:check`: fails when any pact expects something spec/workflows.openapi.yaml does not allow.
import path from "node:path";
import { findPactFiles, loadSpec, workspaceRoot as root, specPath } from "@workflows-kit/spec";
import { checkPacts, formatFindings } from "./check.mjs";

const specFile = process.argv[2] ?? specPath;
const files = await findPactFiles();
if (files.length === 0) {
  console.error("contract:check: no pact files under packages/*/pacts/ (run contract:consumer first)");
  process.exit(1);
}
const findings = await checkPacts(loadSpec(specFile), files);
const errors = findings.filter((f) => !f.expected && f.type !== "warning");
for (const line of formatFindings(findings, root)) console.log(line);
if (errors.length > 0) {
  console.error(`contract:check: ${errors.length} expectation(s) the spec does not allow (see above).`);
  process.exit(1);
}
console.log(`contract:check: ${files.length} pact file(s) agree with ${path.relative(root, specFile)}.`);
