// The release command behind `pnpm release`: publishes every public workspace package whose
// version is not on the configured registry yet, with `pnpm publish -r`, then tags the release.
// Versions and changelogs are Changesets' job (`changeset version`, the version PR); this only
// publishes what the version PR left in the package.json files. See ../README.md.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** The repository root (tools/release/src → ../../..). */
export const repoRoot = path.resolve(fileURLToPath(import.meta.url), "../../../..");

/** The npm scope of every package this repository publishes. */
export const SCOPE = "@workflows-kit";

/**
 * @typedef {object} ReleaseOptions
 * @property {string} [registry] `--registry URL`: wins over the environment and .npmrc.
 * @property {string} [tag] `--tag T`: the dist-tag (default `latest`, or the Changesets pre-release tag in pre mode).
 * @property {boolean} provenance `--provenance` (or NPM_CONFIG_PROVENANCE=true): attach a provenance statement; needs CI OIDC.
 * @property {boolean} gitTag false with `--no-git-tag`: do not create git tags for what was published.
 * @property {boolean} dryRun `--dry-run`: pack and report, upload nothing, tag nothing.
 */

/**
 * @param {string[]} argv
 * @returns {ReleaseOptions}
 */
export function parseReleaseArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      registry: { type: "string" },
      tag: { type: "string" },
      provenance: { type: "boolean", default: false },
      "no-git-tag": { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    ...(values.registry === undefined ? {} : { registry: values.registry }),
    ...(values.tag === undefined ? {} : { tag: values.tag }),
    provenance: values.provenance === true,
    gitTag: values["no-git-tag"] !== true,
    dryRun: values["dry-run"] === true,
  };
}

/**
 * An environment variable by name, whatever its case (npm reads NPM_CONFIG_X and npm_config_x alike).
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 */
function envValue(env, name) {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(env)) {
    if (key.toLowerCase() === wanted && value) return value;
  }
  return undefined;
}

/**
 * The registry set explicitly for this run, if any: `--registry`, then PNPM_CONFIG_REGISTRY, then
 * NPM_CONFIG_REGISTRY (any case). pnpm 12 itself ignores NPM_CONFIG_REGISTRY, so this command
 * forwards it; without any of them pnpm's own configuration (.npmrc) decides.
 * @param {Pick<ReleaseOptions, "registry">} options
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ url: string, source: string } | undefined}
 */
export function explicitRegistry(options, env) {
  /** @type {[string, string | undefined][]} */
  const candidates = [
    ["--registry", options.registry],
    ["PNPM_CONFIG_REGISTRY", envValue(env, "pnpm_config_registry")],
    ["NPM_CONFIG_REGISTRY", envValue(env, "npm_config_registry")],
  ];
  for (const [source, url] of candidates) {
    if (url) {
      // Throws on a malformed URL before anything is published.
      new URL(url);
      return { url: url.endsWith("/") ? url : `${url}/`, source };
    }
  }
  return undefined;
}

/**
 * A registry URL fit for a log: no user name, password or query string.
 * @param {string} url
 */
export function redactUrl(url) {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    parsed.hash = "";
    return parsed.toString();
  } catch {
    return "<invalid registry URL>";
  }
}

/**
 * pnpm arguments that make `url` the registry of every @workflows-kit package: the scoped route
 * (`@workflows-kit:registry` in an .npmrc outranks `--registry` for scoped packages) and the default.
 * @param {string} url
 */
export function registryArgs(url) {
  return [`--registry=${url}`, `--config.${SCOPE}:registry=${url}`];
}

/**
 * @typedef {object} RunResult
 * @property {number} code
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * Runs a command; with `echo`, its output goes to ours as it arrives (and is kept too).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, echo?: boolean }} options
 * @returns {Promise<RunResult>}
 */
export function run(command, args, { cwd, env, echo = false }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      stdout += chunk;
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      stderr += chunk;
      if (echo) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name
 * @property {string} version
 * @property {string} dir
 */

/**
 * Every workspace package that is not `"private": true`, as pnpm sees them: what `pnpm publish -r` publishes.
 * @param {string} [root]
 * @returns {Promise<WorkspacePackage[]>}
 */
export async function listPublicPackages(root = repoRoot) {
  const result = await run("pnpm", ["ls", "-r", "--depth", "-1", "--json"], { cwd: root, env: process.env });
  if (result.code !== 0) throw new Error(`pnpm ls failed:\n${result.stderr}`);
  /** @type {{ name?: string, version?: string, path: string, private?: boolean }[]} */
  const projects = JSON.parse(result.stdout);
  return projects
    .filter((p) => p.private !== true && p.name && p.version)
    .map((p) => ({ name: String(p.name), version: String(p.version), dir: p.path }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The files a package's `exports` and `bin` point at that do not exist: the package was not built.
 * @param {string} dir
 * @returns {string[]}
 */
export function missingBuildOutputs(dir) {
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  /** @type {string[]} */
  const targets = [];
  /** @param {unknown} node */
  const collect = (node) => {
    if (typeof node === "string") targets.push(node);
    else if (node && typeof node === "object") for (const value of Object.values(node)) collect(value);
  };
  collect(manifest.exports);
  collect(typeof manifest.bin === "string" ? manifest.bin : (manifest.bin ?? {}));
  return [...new Set(targets)].filter((target) => !existsSync(path.join(dir, target)));
}

/**
 * The dist-tag of a Changesets pre-release (`changeset pre enter next`), if the repository is in pre mode.
 * @param {string} root
 * @returns {string | undefined}
 */
export function preReleaseTag(root) {
  const file = path.join(root, ".changeset/pre.json");
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, "utf8"));
  return state.mode === "pre" && typeof state.tag === "string" ? state.tag : undefined;
}

/**
 * @typedef {object} ReleaseReport
 * @property {number} exitCode
 * @property {string} registry the registry published to, redacted
 * @property {string[]} published `name@version` uploaded by this run (or that would be, with dryRun)
 * @property {string[]} skipped `name@version` already on the registry, left alone
 */

/**
 * Publishes every public package whose version the registry does not have yet.
 * @param {ReleaseOptions} options
 * @param {{ root?: string, env?: NodeJS.ProcessEnv, log?: (line: string) => void }} [context]
 * @returns {Promise<ReleaseReport>}
 */
export async function release(options, context = {}) {
  const root = context.root ?? repoRoot;
  const env = context.env ?? process.env;
  const log = context.log ?? ((line) => console.log(line));

  const { url: registry, source, configArgs } = await resolveRegistry(options, env, root);
  log(`release: registry ${redactUrl(registry)} (from ${source})`);

  const packages = await listPublicPackages(root);
  const unbuilt = packages
    .map((pkg) => ({ pkg, missing: missingBuildOutputs(pkg.dir) }))
    .filter(({ missing }) => missing.length > 0);
  if (unbuilt.length > 0) {
    for (const { pkg, missing } of unbuilt)
      log(`release: ${pkg.name} is not built: missing ${missing.join(", ")}`);
    log("release: run `pnpm release` from the repository root: turbo builds every public package first.");
    return { exitCode: 1, registry: redactUrl(registry), published: [], skipped: [] };
  }
  log(`release: public packages: ${packages.map((p) => `${p.name}@${p.version}`).join(", ")}`);

  const tag = options.tag ?? preReleaseTag(root);
  const provenance = options.provenance || envValue(env, "npm_config_provenance") === "true";
  const summaryFile = path.join(root, "pnpm-publish-summary.json");
  rmSync(summaryFile, { force: true });
  const args = [
    "publish",
    "--recursive",
    // Private packages (spec/, tools/*) are never published; pnpm skips them.
    // The version PR is merged and CI checks out a commit, often detached: no branch/clean-tree check.
    "--no-git-checks",
    "--report-summary",
    ...configArgs,
    ...(tag ? ["--tag", tag] : []),
    ...(provenance ? ["--provenance"] : []),
    ...(options.dryRun ? ["--dry-run"] : []),
  ];
  // Credentials in a URL (https://user:pass@host/) never reach the log.
  log(`release: pnpm ${args.join(" ").replace(/\/\/[^/@\s]+@/g, "//")}`);
  const result = await run("pnpm", args, { cwd: root, env, echo: true });

  /** @type {string[]} */
  let published = [];
  if (existsSync(summaryFile)) {
    /** @type {{ publishedPackages?: { name: string, version: string }[] }} */
    const summary = JSON.parse(readFileSync(summaryFile, "utf8"));
    published = (summary.publishedPackages ?? []).map((p) => `${p.name}@${p.version}`);
    rmSync(summaryFile, { force: true });
  }
  const all = packages.map((p) => `${p.name}@${p.version}`);
  if (result.code !== 0) {
    log(
      `release: pnpm publish failed (exit ${result.code}); published before the failure: ${published.join(", ") || "none"}`,
    );
    return { exitCode: result.code, registry: redactUrl(registry), published, skipped: [] };
  }
  // With --dry-run pnpm lists what it would publish; everything else is already on the registry.
  const skipped = all.filter((id) => !published.includes(id));
  const verb = options.dryRun ? "would publish" : "published";
  log(`release: ${verb} ${published.length > 0 ? published.join(", ") : "nothing"}`);
  if (skipped.length > 0) {
    log(
      `release: already on ${redactUrl(registry)}, skipped (a version is published once; ` +
        `bump it with \`changeset version\`): ${skipped.join(", ")}`,
    );
  }

  if (options.gitTag && !options.dryRun && published.length > 0) {
    // `changeset tag` creates the missing `<name>@<version>` tags of the public packages.
    const tagged = await run("pnpm", ["exec", "changeset", "tag"], { cwd: root, env, echo: true });
    if (tagged.code !== 0) {
      log("release: published, but creating the git tags failed; run `pnpm changeset tag` by hand");
      return { exitCode: tagged.code, registry: redactUrl(registry), published, skipped };
    }
    log("release: git tags created; push them with `git push --follow-tags`");
  }
  return { exitCode: 0, registry: redactUrl(registry), published, skipped };
}

/**
 * The registry `pnpm publish` will send @workflows-kit packages to, and the pnpm arguments that
 * make it so: an explicit registry (flag or environment) wins over every .npmrc, including a
 * scoped `@workflows-kit:registry` route; without one, pnpm's own configuration decides.
 * @param {Pick<ReleaseOptions, "registry">} options
 * @param {NodeJS.ProcessEnv} env
 * @param {string} root
 * @returns {Promise<{ url: string, source: string, configArgs: string[] }>}
 */
export async function resolveRegistry(options, env, root = repoRoot) {
  const explicit = explicitRegistry(options, env);
  const configArgs = explicit ? registryArgs(explicit.url) : [];
  const scoped = await pnpmConfig(root, env, configArgs, `${SCOPE}:registry`);
  const url =
    scoped ?? (await pnpmConfig(root, env, configArgs, "registry")) ?? "https://registry.npmjs.org/";
  const source = explicit
    ? explicit.source
    : scoped
      ? `${SCOPE}:registry in .npmrc`
      : "registry in .npmrc, or the default";
  return { url, source, configArgs };
}

/**
 * `pnpm config get KEY` with the same configuration inputs as the publish.
 * @param {string} root
 * @param {NodeJS.ProcessEnv} env
 * @param {string[]} configArgs
 * @param {string} key
 * @returns {Promise<string | undefined>}
 */
async function pnpmConfig(root, env, configArgs, key) {
  const result = await run("pnpm", ["config", "get", key, ...configArgs], { cwd: root, env });
  const value = result.stdout.trim();
  return result.code === 0 && value && value !== "undefined" && value !== "null" ? value : undefined;
}
