// Run after `pnpm test` (CI does, in .ci/run). Asks turbo for a dry run of the same pipeline:
// 1. with no change every task must be a cache hit;
// 2. with only the spec touched, `generate` and what depends on it must miss, and the tasks
//    that do not read the spec (Biome lint of the packages) must still hit.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { specPath, workspaceRoot } from "@workflows-kit/spec";

const root = workspaceRoot;
const spec = specPath;
// The same tasks as the README's test command, read from it so the two cannot drift apart.
const testScript = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.test;
const words = testScript.split(/\s+/);
const TASKS = words.slice(words.indexOf("run") + 1).filter((word) => !word.startsWith("--"));

function dryRun() {
  const out = execFileSync("pnpm", ["exec", "turbo", "run", ...TASKS, "--dry=json"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // Packages without a script for a task still appear, as <NONEXISTENT>: nothing to cache there.
  const real = JSON.parse(out).tasks.filter((t) => t.command !== "<NONEXISTENT>");
  return new Map(real.map((t) => [t.taskId, t.cache.status]));
}

const failures = [];
const unchanged = dryRun();
const misses = [...unchanged].filter(([, status]) => status !== "HIT").map(([id]) => id);
if (misses.length > 0)
  failures.push(`a rerun with no change would not be a full cache hit; misses: ${misses.join(", ")}`);

const original = readFileSync(spec, "utf8");
let touched;
try {
  writeFileSync(spec, `${original}# cache-check probe\n`);
  touched = dryRun();
} finally {
  writeFileSync(spec, original);
}
const mustMiss = ["@workflows-kit/types#generate", "@workflows-kit/spec#lint", "@workflows-kit/spec#test"];
const mustHit = [...touched.keys()].filter(
  (id) => id.endsWith("#lint") && !id.startsWith("@workflows-kit/spec#"),
);
for (const id of mustMiss)
  if (touched.get(id) !== "MISS") failures.push(`${id} should re-run after a spec edit`);
for (const id of mustHit)
  if (touched.get(id) !== "HIT") failures.push(`${id} does not read the spec but would re-run`);
const downstream = [...touched].filter(([id, s]) => s === "MISS" && !mustMiss.includes(id)).map(([id]) => id);

if (failures.length > 0) {
  console.error(`turbo cache check failed:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
  process.exit(1);
}
console.log(`turbo cache check: ${unchanged.size} tasks all hit on a rerun;`);
console.log(`a spec-only edit re-runs ${mustMiss.join(", ")} and its dependents (${downstream.join(", ")});`);
console.log(`${mustHit.length} lint tasks stay cached.`);
