// Run after `pnpm test` (CI does, in .ci/run). Asks turbo for a dry run of the same pipeline:
// 1. with no change every task must be a cache hit;
// 2. with only the spec touched, `generate` and what depends on it must miss, and the tasks
//    that do not read the spec (Biome lint of the packages) must still hit;
// 3. every task that reads another package's build output depends on that build, so its hash
//    changes with it: each build on the builds of its runtime dependencies, the workspace
//    typecheck on the build of every package its files import, and it covers every tsconfig.json.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { specPath, workspaceRoot } from "@workflows-kit/spec";

const root = workspaceRoot;
const spec = specPath;
// The same tasks as the README's test command, read from it so the two cannot drift apart.
const testScript = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.test;
const words = testScript.split(/\s+/);
const TASKS = words.slice(words.indexOf("run") + 1).filter((word) => !word.startsWith("--"));

function dryRun(tasks = TASKS) {
  const out = execFileSync("pnpm", ["exec", "turbo", "run", ...tasks, "--dry=json"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // Packages without a script for a task still appear, as <NONEXISTENT>: nothing to cache there.
  return JSON.parse(out).tasks.filter((t) => t.command !== "<NONEXISTENT>");
}
const statuses = (tasks) => new Map(tasks.map((t) => [t.taskId, t.cache.status]));

const failures = [];
const unchanged = statuses(dryRun());
const misses = [...unchanged].filter(([, status]) => status !== "HIT").map(([id]) => id);
if (misses.length > 0)
  failures.push(`a rerun with no change would not be a full cache hit; misses: ${misses.join(", ")}`);

const original = readFileSync(spec, "utf8");
let touched;
try {
  writeFileSync(spec, `${original}# cache-check probe\n`);
  touched = statuses(dryRun());
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

// 3. The edges turbo hashes along. The build tasks narrow `^build` to runtime dependencies (a build does
// not wait for its test-only devDependencies), and the typecheck names its own: a missing edge would
// let a task run on, and be cached with, another package's stale output.
const workspace = ["spec", "packages", "tools"].flatMap((dir) =>
  dir === "spec" ? [dir] : readdirSync(path.join(root, dir)).map((name) => path.join(dir, name)),
);
const manifests = new Map(
  workspace
    .filter((dir) => existsSync(path.join(root, dir, "package.json")))
    .map((dir) => [dir, JSON.parse(readFileSync(path.join(root, dir, "package.json"), "utf8"))]),
);
const built = new Set([...manifests].filter(([, m]) => m.scripts?.build).map(([, m]) => m.name));
// Every build of the workspace, also those `pnpm test` does not need (bench's, for `pnpm bench`).
const byId = new Map(dryRun(["build", "typecheck"]).map((t) => [t.taskId, t]));
const dependsOn = (id, dependency) => byId.get(id)?.dependencies.includes(dependency) ?? false;

for (const [, manifest] of manifests) {
  if (!manifest.scripts?.build) continue;
  const runtime = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
  for (const name of runtime.filter((dep) => built.has(dep)))
    if (!dependsOn(`${manifest.name}#build`, `${name}#build`))
      failures.push(`${manifest.name}#build does not depend on ${name}#build, a runtime dependency`);
}

const TYPECHECK = "@workflows-kit/typecheck#typecheck";
const solution = JSON.parse(readFileSync(path.join(root, "tools/typecheck/tsconfig.json"), "utf8"));
const referenced = new Set(solution.references.map((r) => path.join("tools/typecheck", r.path)));
const imported = new Set();
/** Every `@workflows-kit/<name>` a checked file imports (static, dynamic or in a JSDoc type). */
const scan = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["node_modules", "dist", "pacts"].includes(entry.name)) scan(file);
    } else if (/\.(ts|mts|mjs)$/.test(entry.name)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from |import\()"(@workflows-kit\/[a-z-]+)/g)) imported.add(m[1]);
    }
  }
};
for (const dir of workspace.filter((d) => existsSync(path.join(root, d, "tsconfig.json")))) {
  if (dir === path.join("tools", "typecheck")) continue;
  if (!referenced.has(dir)) failures.push(`tools/typecheck/tsconfig.json does not reference ${dir}`);
  scan(path.join(root, dir));
}
for (const name of [...imported].filter((n) => built.has(n)))
  if (!dependsOn(TYPECHECK, `${name}#build`))
    failures.push(`${TYPECHECK} reads ${name}'s declarations but does not depend on ${name}#build`);

if (failures.length > 0) {
  console.error(`turbo cache check failed:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
  process.exit(1);
}
console.log(`turbo cache check: ${unchanged.size} tasks all hit on a rerun;`);
console.log(`a spec-only edit re-runs ${mustMiss.join(", ")} and its dependents (${downstream.join(", ")});`);
console.log(`${mustHit.length} lint tasks stay cached;`);
console.log(
  `every build depends on its runtime dependencies' builds, and ${TYPECHECK} on the builds of ` +
    `${[...imported].filter((n) => built.has(n)).length} packages it imports, covering ${referenced.size} tsconfig.json.`,
);
