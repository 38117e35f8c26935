// .changeset/config.json does what tools/release/README.md says: `changeset version` (the version
// PR) bumps @workflows-kit/types and @workflows-kit/client together (fixed), patches the
// dependents, writes changelogs, and leaves private packages alone. Run on a scratch copy of the
// workspace's manifests, so the repository is never touched.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(fileURLToPath(import.meta.url), "../../../..");
const changesetBin = createRequire(import.meta.url).resolve("@changesets/cli/bin.js");
let scratch: string;
/** Workspace-relative dir → the version before `changeset version`. */
const before = new Map<string, string | undefined>();

async function version(dir: string): Promise<string | undefined> {
  return JSON.parse(await readFile(path.join(scratch, dir, "package.json"), "utf8")).version;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "wk-changesets-"));
  for (const file of ["package.json", "pnpm-workspace.yaml", ".changeset/config.json"]) {
    await mkdir(path.dirname(path.join(scratch, file)), { recursive: true });
    await copyFile(path.join(repoRoot, file), path.join(scratch, file));
  }
  const { stdout } = await execFileAsync("pnpm", ["ls", "-r", "--depth", "-1", "--json"], { cwd: repoRoot });
  for (const project of JSON.parse(stdout) as { path: string }[]) {
    const dir = path.relative(repoRoot, project.path);
    if (!dir) continue;
    await mkdir(path.join(scratch, dir), { recursive: true });
    await copyFile(path.join(project.path, "package.json"), path.join(scratch, dir, "package.json"));
    before.set(dir, await version(dir));
  }
  // The changelog generator named in config.json resolves from the workspace's node_modules.
  await symlink(path.join(repoRoot, "node_modules"), path.join(scratch, "node_modules"), "dir");
  await writeFile(
    path.join(scratch, ".changeset/spec-change.md"),
    '---\n"@workflows-kit/types": minor\n---\n\nA new optional field in the spec.\n',
  );
  await execFileAsync(process.execPath, [changesetBin, "version"], { cwd: scratch });
}, 60_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function bump(from: string | undefined, kind: "minor" | "patch"): string {
  const [major, minor, patch] = (from ?? "").split(".").map(Number);
  return kind === "minor" ? `${major}.${(minor ?? 0) + 1}.0` : `${major}.${minor}.${(patch ?? 0) + 1}`;
}

describe("changeset version with the repository's config", () => {
  it("bumps types and client together: they are one fixed group", async () => {
    const types = before.get("packages/types");
    expect(before.get("packages/client")).toBe(types);
    expect(await version("packages/types")).toBe(bump(types, "minor"));
    expect(await version("packages/client")).toBe(bump(types, "minor"));
    expect(await readFile(path.join(scratch, "packages/types/CHANGELOG.md"), "utf8")).toContain(
      "A new optional field in the spec.",
    );
  });

  it("patches the packages that depend on them, keeping workspace:^ in the repository", async () => {
    for (const dir of ["packages/cli", "packages/provider", "packages/mock"]) {
      expect(await version(dir), dir).toBe(bump(before.get(dir), "patch"));
    }
    const cli = JSON.parse(await readFile(path.join(scratch, "packages/cli/package.json"), "utf8"));
    expect(cli.dependencies["@workflows-kit/client"]).toBe("workspace:^");
  });

  it("leaves private packages (spec/, tools/*) unversioned", async () => {
    for (const [dir, was] of before) {
      if (dir.startsWith("tools/") || dir === "spec") expect(await version(dir), dir).toBe(was);
    }
  });

  it("`changeset tag` (run by `pnpm release` after publishing) tags the public packages only", async () => {
    const identity = { GIT_AUTHOR_NAME: "release-test", GIT_AUTHOR_EMAIL: "release-test@localhost" };
    const env = {
      ...process.env,
      ...identity,
      GIT_COMMITTER_NAME: "release-test",
      GIT_COMMITTER_EMAIL: "release-test@localhost",
    };
    const git = (...args: string[]) => execFileAsync("git", args, { cwd: scratch, env });
    await git("init", "--quiet", "--initial-branch=main");
    await writeFile(path.join(scratch, ".gitignore"), "node_modules\n");
    await git("add", "--all");
    await git("commit", "--quiet", "--no-gpg-sign", "-m", "version packages");
    await execFileAsync(process.execPath, [changesetBin, "tag"], { cwd: scratch, env });
    const { stdout } = await git("tag", "--list");
    const expected = [
      "packages/cli",
      "packages/client",
      "packages/mock",
      "packages/monitor",
      "packages/provider",
      "packages/types",
    ];
    const names = await Promise.all(
      expected.map(async (dir) => {
        const manifest = JSON.parse(await readFile(path.join(scratch, dir, "package.json"), "utf8"));
        return `${manifest.name}@${manifest.version}`;
      }),
    );
    expect(stdout.trim().split("\n").sort()).toEqual(names.sort());
  });

  it("consumes the changeset", async () => {
    await expect(readFile(path.join(scratch, ".changeset/spec-change.md"))).rejects.toThrow();
  });
});
