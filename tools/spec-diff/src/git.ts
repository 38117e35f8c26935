// The few git questions the tool asks, each one `git` call, never a write.
import { spawnSync } from "node:child_process";

export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export function git(cwd: string, args: string[]): GitResult {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error) return { ok: false, stdout: "", stderr: r.error.message };
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.trim() };
}

/** The work tree's root, or the reason there is none. */
export function repoRoot(cwd: string): { root: string } | { error: string } {
  const r = git(cwd, ["rev-parse", "--show-toplevel"]);
  return r.ok ? { root: r.stdout.trim() } : { error: r.stderr || "not a git work tree" };
}

/** The commit a ref names, if it names one here (a shallow clone may lack it). */
export function resolveCommit(root: string, ref: string): string | undefined {
  if (ref.startsWith("-")) return undefined;
  const r = git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return r.ok ? r.stdout.trim() : undefined;
}

/** Release tags as changesets makes them for the types package, or plain `v1.2.3`. */
export const RELEASE_TAG_PATTERNS = ["@workflows-kit/types@*", "v[0-9]*"];

/** The nearest release tag reachable from HEAD. */
export function lastReleaseTag(root: string): string | undefined {
  const match = RELEASE_TAG_PATTERNS.flatMap((p) => ["--match", p]);
  const r = git(root, ["describe", "--tags", "--abbrev=0", ...match, "HEAD"]);
  return r.ok && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** The file's text at a commit, or undefined when the commit has no such file. */
export function readAtCommit(root: string, commit: string, file: string): string | undefined {
  if (!git(root, ["cat-file", "-e", `${commit}:${file}`]).ok) return undefined;
  const r = git(root, ["show", `${commit}:${file}`]);
  if (!r.ok) throw new Error(`git show ${commit}:${file} failed: ${r.stderr}`);
  return r.stdout;
}

export function isShallow(root: string): boolean {
  return git(root, ["rev-parse", "--is-shallow-repository"]).stdout.trim() === "true";
}

export function shortSha(commit: string): string {
  return commit.slice(0, 7);
}

export interface Base {
  /** what was asked for or found: `HEAD~1`, `@workflows-kit/types@1.2.0`, `origin/main` merge-base */
  ref: string;
  commit: string;
  /** why this base: "--base", "SPEC_BASE", "last release tag", ... */
  reason: string;
}

/**
 * The base of spec:diff and spec:gate alike: `--base` or SPEC_BASE, else the last release tag,
 * else the merge-base with origin/main, else HEAD~1 (on main after a merge: the first parent,
 * i.e. main before the merge). `skip` when none exists (a single commit, a depth-1 clone, no git).
 */
export function pickBase(
  root: string,
  explicit: { value: string; from: string } | undefined,
): { base: Base; notes: string[] } | { skip: string } | { error: string } {
  const notes: string[] = [];
  if (explicit) {
    const commit = resolveCommit(root, explicit.value);
    if (commit) return { base: { ref: explicit.value, commit, reason: explicit.from }, notes };
    const shallow = isShallow(root)
      ? " (this clone is shallow: fetch the base, e.g. git fetch --deepen=50)"
      : "";
    return {
      error: `${explicit.from}=${explicit.value} does not name a commit in this repository${shallow}`,
    };
  }
  const tag = lastReleaseTag(root);
  const tagCommit = tag ? resolveCommit(root, tag) : undefined;
  if (tag && tagCommit) return { base: { ref: tag, commit: tagCommit, reason: "last release tag" }, notes };
  notes.push("no release tag reachable from HEAD");

  if (resolveCommit(root, "refs/remotes/origin/main")) {
    const r = git(root, ["merge-base", "HEAD", "refs/remotes/origin/main"]);
    if (r.ok && r.stdout.trim())
      return {
        base: { ref: "merge-base with origin/main", commit: r.stdout.trim(), reason: "merge-base" },
        notes,
      };
    notes.push("origin/main has no merge-base with HEAD here (shallow clone?)");
  } else notes.push("no origin/main");

  const parent = resolveCommit(root, "HEAD~1");
  if (parent) return { base: { ref: "HEAD~1", commit: parent, reason: "previous commit" }, notes };
  notes.push(isShallow(root) ? "HEAD~1 is not in this shallow clone" : "HEAD has no parent");
  return { skip: notes.join("; ") };
}
