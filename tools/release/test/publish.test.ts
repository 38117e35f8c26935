// The release for real: `node src/main.mjs` publishes every public package to a throwaway
// Verdaccio; a project outside the workspace installs @workflows-kit/client and
// @workflows-kit/cli from it with npm and runs both against the reference provider.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Provider, startProvider } from "@workflows-kit/provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryArgs } from "../src/release.mjs";
import { type Registry, startRegistry } from "./support/verdaccio.js";

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(fileURLToPath(import.meta.url), "../../../..");
const releaseMain = fileURLToPath(new URL("../src/main.mjs", import.meta.url));
const PUBLIC = [
  "@workflows-kit/cli",
  "@workflows-kit/client",
  "@workflows-kit/conformance",
  "@workflows-kit/mock",
  "@workflows-kit/provider",
  "@workflows-kit/types",
];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Result> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      ...options,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The parent's environment without any registry, token or npm/pnpm setting that could leak in. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_config_|pnpm_config_)/i.test(key) && !/token/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

let registry: Registry;
let provider: Provider;
let token: string;
let work: string;
let publishEnv: NodeJS.ProcessEnv;
let firstRelease: Result;
let dryRun: Result;
let afterDryRun: number;

beforeAll(async () => {
  // One at a time, so afterAll can close whichever started if the other fails.
  registry = await startRegistry();
  provider = await startProvider({ seed: 7 });
  work = await realpath(await mkdtemp(path.join(tmpdir(), "wk-release-")));
  token = await registry.addUser("release-bot");
  const host = new URL(registry.url).host;
  // The publisher's user config: the throwaway token only. The registry comes from
  // NPM_CONFIG_REGISTRY, as a team's CI would set it.
  await writeFile(path.join(work, "publisher.npmrc"), `//${host}/:_authToken=${token}\n`, { mode: 0o600 });
  publishEnv = cleanEnv({
    NPM_CONFIG_USERCONFIG: path.join(work, "publisher.npmrc"),
    NPM_CONFIG_REGISTRY: registry.url,
  });
  dryRun = await exec(process.execPath, [releaseMain, "--dry-run"], { cwd: repoRoot, env: publishEnv });
  afterDryRun = (await registry.getJson("@workflows-kit%2ftypes")).status;
  firstRelease = await exec(process.execPath, [releaseMain, "--no-git-tag"], {
    cwd: repoRoot,
    env: publishEnv,
  });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([registry?.close(), provider?.close()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe("pnpm release against a throwaway Verdaccio", () => {
  it("--dry-run says what it would publish and uploads nothing", () => {
    expect(dryRun.code, dryRun.stdout + dryRun.stderr).toBe(0);
    const line = dryRun.stdout.split("\n").find((l) => l.startsWith("release: would publish "));
    for (const name of PUBLIC) expect(line).toContain(`${name}@`);
    expect(afterDryRun).toBe(404);
  });

  it("publishes every public package and says so, without printing the token", () => {
    const output = firstRelease.stdout + firstRelease.stderr;
    expect(firstRelease.code, output).toBe(0);
    expect(output).toContain(`release: registry ${registry.url} (from NPM_CONFIG_REGISTRY)`);
    const line = output.split("\n").find((l) => l.startsWith("release: published "));
    for (const name of PUBLIC) expect(line).toContain(`${name}@`);
    expect(output).not.toContain(token);
    expect(output).not.toMatch(/_authToken/);
  });

  it("publishes real version ranges: no workspace: or catalog: protocol in any manifest", async () => {
    for (const name of PUBLIC) {
      const local = JSON.parse(await readFile(path.join(repoRoot, packageDir(name), "package.json"), "utf8"));
      const { status, body } = await registry.getJson(name.replace("/", "%2f"));
      expect(status, name).toBe(200);
      const manifest = (body as { versions: Record<string, Record<string, unknown>> }).versions[
        local.version
      ];
      expect(manifest, `${name}@${local.version}`).toBeDefined();
      const text = JSON.stringify(manifest);
      expect(text).not.toMatch(/"(workspace|catalog):/);
      for (const [dep, range] of Object.entries(
        (manifest?.dependencies ?? {}) as Record<string, string>,
      ).filter(([dep]) => dep.startsWith("@workflows-kit/"))) {
        const depVersion = JSON.parse(
          await readFile(path.join(repoRoot, packageDir(dep), "package.json"), "utf8"),
        ).version;
        expect(range, `${name} → ${dep}`).toBe(`^${depVersion}`);
      }
    }
  });

  describe("a project outside the workspace", () => {
    let project: string;
    let ids: { accountId: string; definitionId: string; all: Set<string> };
    let listedByClient: string[];

    beforeAll(async () => {
      project = path.join(work, "consumer");
      await mkdir(project);
      await writeFile(
        path.join(project, "package.json"),
        `${JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2)}\n`,
      );
      // Only the scope comes from the team registry; everything else from the default one.
      await writeFile(path.join(project, ".npmrc"), `@workflows-kit:registry=${registry.url}\n`);
      const installed = await exec(
        "npm",
        [
          "install",
          "--no-audit",
          "--no-fund",
          "--prefer-online",
          "@workflows-kit/client",
          "@workflows-kit/cli",
        ],
        { cwd: project, env: cleanEnv({}) },
      );
      expect(installed.code, installed.stderr).toBe(0);
      const [definition] = provider.definitions();
      if (!definition) throw new Error("the provider has no definitions");
      ids = {
        accountId: definition.accountId,
        definitionId: definition.definitionId,
        all: new Set(definition.instances.map((i) => i.workflowId)),
      };
    }, 180_000);

    it("installed the packages from the registry, with real dependency ranges", async () => {
      const lock = JSON.parse(await readFile(path.join(project, "package-lock.json"), "utf8"));
      for (const name of ["@workflows-kit/client", "@workflows-kit/cli", "@workflows-kit/types"]) {
        const entry = lock.packages[`node_modules/${name}`];
        expect(entry, name).toBeDefined();
        // The very tarball the release uploaded (the lock may omit `resolved`; integrity is always there).
        const { body } = await registry.getJson(name.replace("/", "%2f"));
        const published = (body as { versions: Record<string, { dist: { integrity: string } }> }).versions;
        expect(entry.integrity, name).toBe(published[entry.version]?.dist.integrity);
      }
      const client = JSON.parse(
        await readFile(path.join(project, "node_modules/@workflows-kit/client/package.json"), "utf8"),
      );
      expect(client.dependencies["@workflows-kit/types"]).toMatch(/^\^\d+\.\d+\.\d+/);
    });

    it("a tiny ESM script lists instances with the client", async () => {
      const script = [
        'import { createWorkflowsClient } from "@workflows-kit/client";',
        "const client = createWorkflowsClient({ apiKey: 'demo-key', baseUrl: process.env.WORKFLOWS_BASE_URL });",
        "const page = await client.listWorkflowInstances({",
        "  accountId: process.env.ACCOUNT_ID, definitionId: process.env.DEFINITION_ID, limit: 3,",
        "});",
        'console.log(JSON.stringify({ from: import.meta.resolve("@workflows-kit/client"), ids: page.map((i) => i.workflowId) }));',
        "",
      ].join("\n");
      await writeFile(path.join(project, "list.mjs"), script);
      const result = await exec(process.execPath, ["list.mjs"], {
        cwd: project,
        env: cleanEnv({
          WORKFLOWS_BASE_URL: provider.url,
          ACCOUNT_ID: ids.accountId,
          DEFINITION_ID: ids.definitionId,
        }),
      });
      expect(result.code, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout) as { from: string; ids: string[] };
      expect(fileURLToPath(out.from)).toContain(path.join(project, "node_modules"));
      expect(out.ids).toHaveLength(3);
      for (const id of out.ids) expect(ids.all.has(id), id).toBe(true);
      listedByClient = out.ids;
    });

    it("npx workflows list works with WORKFLOWS_BASE_URL", async () => {
      const args = ["--no-install", "workflows", "list", "--account", ids.accountId];
      args.push("--definition", ids.definitionId, "--limit", "3", "--format", "json");
      const result = await exec("npx", args, {
        cwd: project,
        env: cleanEnv({ WORKFLOWS_BASE_URL: provider.url, WORKFLOWS_API_KEY: "demo-key" }),
      });
      expect(result.code, result.stderr).toBe(0);
      const listed = JSON.parse(result.stdout) as { workflowId: string }[];
      // The same first page as the client's: the CLI runs on the installed client.
      expect(listed.map((i) => i.workflowId)).toEqual(listedByClient);
    });
  });

  describe("re-publishing the same versions", () => {
    it("the release command skips them with a clear message and exits 0; the registry is unchanged", async () => {
      const before = await registry.getJson("@workflows-kit%2fclient");
      const again = await exec(process.execPath, [releaseMain, "--no-git-tag"], {
        cwd: repoRoot,
        env: publishEnv,
      });
      const output = again.stdout + again.stderr;
      expect(again.code, output).toBe(0);
      expect(output).toContain("release: published nothing");
      const skipped = output.split("\n").find((l) => l.startsWith("release: already on "));
      expect(skipped).toContain("skipped");
      for (const name of PUBLIC) expect(skipped).toContain(`${name}@`);
      const after = await registry.getJson("@workflows-kit%2fclient");
      expect((after.body as { versions: object }).versions).toEqual(
        (before.body as { versions: object }).versions,
      );
    }, 60_000);

    it("the registry itself refuses a direct publish over an existing version", async () => {
      const direct = await exec("pnpm", ["publish", "--no-git-checks", ...registryArgs(registry.url)], {
        cwd: path.join(repoRoot, "packages/types"),
        env: publishEnv,
      });
      expect(direct.code).not.toBe(0);
      expect(direct.stdout + direct.stderr).toMatch(/409|already present|cannot publish over/i);
    }, 60_000);
  });
});

function packageDir(name: string): string {
  return `packages/${name.replace("@workflows-kit/", "")}`;
}
