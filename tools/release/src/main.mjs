#!/usr/bin/env node
// `pnpm release` → turbo → `node src/main.mjs [--registry URL] [--tag T] [--provenance] [--no-git-tag] [--dry-run]`.
import { parseReleaseArgs, release } from "./release.mjs";

let options;
try {
  options = parseReleaseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
  console.error("usage: release [--registry URL] [--tag TAG] [--provenance] [--no-git-tag] [--dry-run]");
  process.exit(2);
}
const report = await release(options);
process.exitCode = report.exitCode;
