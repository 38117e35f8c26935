// How the release command picks the registry and reads its flags, without publishing anything.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  explicitRegistry,
  missingBuildOutputs,
  parseReleaseArgs,
  preReleaseTag,
  redactUrl,
  registryArgs,
  resolveRegistry,
} from "../src/release.mjs";

const execFileAsync = promisify(execFile);
const releaseMain = fileURLToPath(new URL("../src/main.mjs", import.meta.url));
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "wk-release-unit-"));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The parent's environment without registry settings, plus `extra`. */
function envWith(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_config_|pnpm_config_)/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

describe("parseReleaseArgs", () => {
  it("defaults: tag git, publish for real, no provenance, registry from configuration", () => {
    expect(parseReleaseArgs([])).toEqual({ provenance: false, gitTag: true, dryRun: false });
  });

  it("reads every flag", () => {
    expect(
      parseReleaseArgs([
        "--registry",
        "https://npm.example.com/",
        "--tag",
        "next",
        "--provenance",
        "--no-git-tag",
        "--dry-run",
      ]),
    ).toEqual({
      registry: "https://npm.example.com/",
      tag: "next",
      provenance: true,
      gitTag: false,
      dryRun: true,
    });
  });

  it("refuses unknown flags, and the command exits 2 with its usage", async () => {
    expect(() => parseReleaseArgs(["--force"])).toThrow();
    const failure = await execFileAsync(process.execPath, [releaseMain, "--force"]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect("code" in failure && failure.code).toBe(2);
    expect("stderr" in failure && failure.stderr).toMatch(/usage: release/);
  });
});

describe("explicitRegistry", () => {
  it("--registry wins over PNPM_CONFIG_REGISTRY, which wins over NPM_CONFIG_REGISTRY", () => {
    const env = {
      PNPM_CONFIG_REGISTRY: "https://pnpm.example.com",
      NPM_CONFIG_REGISTRY: "https://npm.example.com",
    };
    expect(explicitRegistry({ registry: "https://flag.example.com" }, env)).toEqual({
      url: "https://flag.example.com/",
      source: "--registry",
    });
    expect(explicitRegistry({}, env)).toEqual({
      url: "https://pnpm.example.com/",
      source: "PNPM_CONFIG_REGISTRY",
    });
    expect(explicitRegistry({}, { npm_config_registry: "https://npm.example.com/" })).toEqual({
      url: "https://npm.example.com/",
      source: "NPM_CONFIG_REGISTRY",
    });
  });

  it("is undefined when nothing is set (pnpm's .npmrc decides), and rejects a malformed URL", () => {
    expect(explicitRegistry({}, {})).toBeUndefined();
    expect(() => explicitRegistry({ registry: "not a url" }, {})).toThrow();
  });

  it("routes the @workflows-kit scope too, so a scoped .npmrc line cannot redirect the publish", () => {
    expect(registryArgs("https://npm.example.com/")).toEqual([
      "--registry=https://npm.example.com/",
      "--config.@workflows-kit:registry=https://npm.example.com/",
    ]);
  });
});

describe("resolveRegistry (asks pnpm, as the publish will)", () => {
  let npmrc: string;
  beforeAll(async () => {
    npmrc = path.join(scratch, "scoped.npmrc");
    await writeFile(npmrc, "@workflows-kit:registry=https://team.example.com/npm/\n");
  });

  it("takes a scoped @workflows-kit:registry from .npmrc", async () => {
    const resolved = await resolveRegistry({}, envWith({ NPM_CONFIG_USERCONFIG: npmrc }));
    expect(resolved).toEqual({
      url: "https://team.example.com/npm/",
      source: "@workflows-kit:registry in .npmrc",
      configArgs: [],
    });
  });

  it("lets NPM_CONFIG_REGISTRY override that .npmrc line", async () => {
    const resolved = await resolveRegistry(
      {},
      envWith({ NPM_CONFIG_USERCONFIG: npmrc, NPM_CONFIG_REGISTRY: "http://127.0.0.1:4873" }),
    );
    expect(resolved.url).toBe("http://127.0.0.1:4873/");
    expect(resolved.source).toBe("NPM_CONFIG_REGISTRY");
  });
});

describe("redactUrl", () => {
  it("drops credentials and query strings from what is logged", () => {
    expect(redactUrl("https://bot:s3cret@npm.example.com/repo/?token=abc")).toBe(
      "https://npm.example.com/repo/",
    );
    expect(redactUrl("nope")).toBe("<invalid registry URL>");
  });
});

describe("missingBuildOutputs", () => {
  it("names every exports/bin target that is not on disk", async () => {
    const dir = path.join(scratch, "pkg");
    await mkdir(path.join(dir, "dist"), { recursive: true });
    await writeFile(path.join(dir, "dist/index.js"), "");
    await writeFile(
      path.join(dir, "package.json"),
      JSON.stringify({
        exports: {
          ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
          "./package.json": "./package.json",
        },
        bin: { x: "./dist/cli.js" },
      }),
    );
    expect(missingBuildOutputs(dir)).toEqual(["./dist/index.d.ts", "./dist/cli.js"]);
  });
});

describe("preReleaseTag", () => {
  it("is the Changesets pre-release tag in pre mode, else undefined", async () => {
    const root = path.join(scratch, "repo");
    await mkdir(path.join(root, ".changeset"), { recursive: true });
    expect(preReleaseTag(root)).toBeUndefined();
    await writeFile(path.join(root, ".changeset/pre.json"), JSON.stringify({ mode: "pre", tag: "next" }));
    expect(preReleaseTag(root)).toBe("next");
    await writeFile(path.join(root, ".changeset/pre.json"), JSON.stringify({ mode: "exit", tag: "next" }));
    expect(preReleaseTag(root)).toBeUndefined();
  });
});
