// `pack:check`: every public package packed once, as `pnpm publish` packs it, and each tarball checked
// by publint (strict) and Are the Types Wrong (the esm-only profile) in this one process. The tarballs
// stay in dist/pack/ (the task's output), where the tarballs test reads them.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { problemKindInfo } from "@arethetypeswrong/core/problems";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { listPublicPackages, repoRoot, run } from "./release.mjs";

/** Where `pack:check` leaves the tarballs, with `packages.json` listing them. */
export const packDir = path.join(repoRoot, "tools/release/dist/pack");

/** attw's esm-only profile: these resolutions are CommonJS consumers, which ESM-only packages do not serve. */
const IGNORED_RESOLUTIONS = ["node10", "node16-cjs"];

/** Export targets attw can analyse; a subpath exporting anything else (the spec's YAML) is data, not a module. */
const MODULE_TARGET = /\.(js|mjs|cjs|json|d\.ts|d\.mts|d\.cts)$/;

/**
 * @typedef {object} PackedPackage
 * @property {string} name
 * @property {string} version
 * @property {string} dir the package folder, relative to the repository root
 * @property {string} tarball the tarball's file name in dist/pack/
 */

/**
 * `pnpm pack` of `dir` into `dest` (workspace: and catalog: rewritten, as `pnpm publish` does).
 * @param {string} dir
 * @param {string} dest
 * @returns {Promise<string>} the tarball's path
 */
export async function pack(dir, dest) {
  const before = new Set(await readdir(dest));
  const result = await run("pnpm", ["pack", "--pack-destination", dest], { cwd: dir, env: process.env });
  if (result.code !== 0) throw new Error(`pnpm pack failed in ${dir}:\n${result.stdout}${result.stderr}`);
  const written = (await readdir(dest)).filter((file) => file.endsWith(".tgz") && !before.has(file));
  if (written.length !== 1 || !written[0])
    throw new Error(`pnpm pack wrote ${written.length} tarballs in ${dest}`);
  return path.join(dest, written[0]);
}

/**
 * The subpaths of `manifest.exports` that export only data (no target attw can analyse).
 * @param {{ exports?: unknown }} manifest
 * @returns {string[]}
 */
export function dataEntrypoints(manifest) {
  if (!manifest.exports || typeof manifest.exports !== "object") return [];
  /** @param {unknown} node @returns {string[]} */
  const targets = (node) =>
    typeof node === "string"
      ? [node]
      : node && typeof node === "object"
        ? Object.values(node).flatMap(targets)
        : [];
  return Object.entries(manifest.exports)
    .filter(([subpath]) => subpath.startsWith("."))
    .filter(([, target]) => !targets(target).some((file) => MODULE_TARGET.test(file)))
    .map(([subpath]) => subpath);
}

/**
 * publint (strict: warnings count) and attw (esm-only) on one tarball: one line per problem, [] when clean.
 * @param {Uint8Array} tarball
 * @returns {Promise<string[]>}
 */
export async function checkTarball(tarball) {
  const data = new Uint8Array(tarball);
  const linted = await publint({ pack: { tarball: data.slice().buffer }, strict: true });
  const problems = linted.messages
    .filter((message) => message.type === "error")
    .map((message) => `publint: ${formatMessage(message, linted.pkg, { color: false }) ?? message.code}`);

  const pkg = createPackageFromTarballData(data);
  const manifest = JSON.parse(pkg.readFile(`/node_modules/${pkg.packageName}/package.json`));
  const analysis = await checkPackage(pkg, { excludeEntrypoints: dataEntrypoints(manifest) });
  if (analysis.types === false) return [...problems, "attw: the package ships no types"];
  for (const problem of analysis.problems) {
    if ("resolutionKind" in problem && IGNORED_RESOLUTIONS.includes(problem.resolutionKind)) continue;
    const where = [
      "entrypoint" in problem ? `entrypoint ${problem.entrypoint}` : undefined,
      "resolutionKind" in problem ? `resolution ${problem.resolutionKind}` : undefined,
      "fileName" in problem ? problem.fileName : undefined,
      "typesFileName" in problem ? problem.typesFileName : undefined,
    ].filter(Boolean);
    problems.push(
      `attw: ${problemKindInfo[problem.kind].description} [${problem.kind}: ${where.join(", ")}]`,
    );
  }
  return problems;
}

/**
 * Packs every public package into `dest` (emptied first) and checks each tarball.
 * @param {{ root?: string, dest?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<{ packed: PackedPackage[], failures: { name: string, problems: string[] }[] }>}
 */
export async function packAndCheck({ root = repoRoot, dest = packDir, log = () => {} } = {}) {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  /** @type {PackedPackage[]} */
  const packed = [];
  const failures = [];
  for (const pkg of await listPublicPackages(root)) {
    const file = await pack(pkg.dir, dest);
    const problems = await checkTarball(await readFile(file));
    packed.push({
      name: pkg.name,
      version: pkg.version,
      dir: path.relative(root, pkg.dir),
      tarball: path.basename(file),
    });
    if (problems.length > 0) failures.push({ name: pkg.name, problems });
    log(
      `pack:check: ${pkg.name}@${pkg.version} ${problems.length === 0 ? "ok" : `${problems.length} problems`}`,
    );
  }
  await writeFile(path.join(dest, "packages.json"), `${JSON.stringify(packed, null, 2)}\n`);
  return { packed, failures };
}
