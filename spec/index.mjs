// The spec as a dependency: where the document is, its parsed form, and where the consumers' pacts are.
// Plain ESM (no build step), so node scripts and vitest suites alike import it through package.json.
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** Absolute path of `spec/workflows.openapi.yaml`, the single source of truth. */
export const specPath = fileURLToPath(new URL("./workflows.openapi.yaml", import.meta.url));

/** The monorepo's root: the folder that holds `spec/`. */
export const workspaceRoot = path.dirname(path.dirname(specPath));

/** The OpenAPI document, parsed (a fresh copy on every call). */
export function loadSpec(file = specPath) {
  const doc = parse(readFileSync(file, "utf8"));
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new Error(`${file} is not a YAML mapping`);
  return doc;
}

/** Every `*.json` under `packages/<name>/pacts/`, the one pacts folder of each consumer package, sorted. */
export async function findPactFiles(root = workspaceRoot) {
  const files = [];
  for (const pkg of await readdir(path.join(root, "packages"))) {
    const dir = path.join(root, "packages", pkg, "pacts");
    const names = await readdir(dir).catch(() => []);
    files.push(...names.filter((name) => name.endsWith(".json")).map((name) => path.join(dir, name)));
  }
  return files.sort();
}
