// The version Pact records: the commit and the branch, from CI's variables when HEAD is detached.
import { spawnSync } from "node:child_process";
import type { Env, Version } from "./plan.js";

function git(cwd: string, args: string[]): string | undefined {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** CI checkouts are often a detached HEAD: their own variables name the branch. */
const BRANCH_VARIABLES = [
  "GITHUB_HEAD_REF",
  "GITHUB_REF_NAME",
  "CI_COMMIT_REF_NAME",
  "BUILDKITE_BRANCH",
  "BRANCH_NAME",
];

export function gitVersion(cwd: string, env: Env, explicitBranch?: string): Version {
  const sha = git(cwd, ["rev-parse", "HEAD"]);
  if (!sha) throw new Error(`${cwd} is not a git work tree with a commit: the version is the commit's sha`);
  const fromEnv = BRANCH_VARIABLES.map((name) => env[name]?.trim()).find(Boolean);
  const branch = explicitBranch ?? fromEnv ?? git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]);
  if (!branch || branch === "HEAD")
    throw new Error(
      `HEAD is detached and none of ${BRANCH_VARIABLES.join(", ")} is set: pass --branch <name>`,
    );
  return { sha, branch };
}

/** Uncommitted changes: pacts published under a sha must be what that commit produces. */
export function isDirty(cwd: string): boolean {
  return (git(cwd, ["status", "--porcelain", "--untracked-files=no"]) ?? "") !== "";
}
