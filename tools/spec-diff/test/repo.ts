// Throwaway git repositories for the gate and CLI tests: the real spec, committed, then edited.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { specPath, workspaceRoot } from "@workflows-kit/spec";

export const SPEC_TEXT = readFileSync(specPath, "utf8");
export const SPEC = path.relative(workspaceRoot, specPath).split(path.sep).join("/");

// No user or system git configuration (signing, hooks, templates) leaks into the tests.
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "spec-diff test",
  GIT_AUTHOR_EMAIL: "spec-diff@example.invalid",
  GIT_COMMITTER_NAME: "spec-diff test",
  GIT_COMMITTER_EMAIL: "spec-diff@example.invalid",
};

const made: string[] = [];

export class Repo {
  constructor(readonly dir: string) {}

  static init(): Repo {
    const dir = mkdtempSync(path.join(tmpdir(), "spec-diff-"));
    made.push(dir);
    const repo = new Repo(dir);
    repo.git("init", "-q", "-b", "main");
    return repo;
  }

  /** `git clone` of this repository (origin/main set), optionally shallow. */
  clone(...args: string[]): Repo {
    const dir = mkdtempSync(path.join(tmpdir(), "spec-diff-clone-"));
    made.push(dir);
    execFileSync("git", ["clone", "-q", ...args, `file://${this.dir}`, dir], { env: GIT_ENV });
    return new Repo(dir);
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, env: GIT_ENV, encoding: "utf8" }).trim();
  }

  write(file: string, text: string): this {
    mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    writeFileSync(path.join(this.dir, file), text);
    return this;
  }

  remove(file: string): this {
    rmSync(path.join(this.dir, file), { force: true });
    return this;
  }

  /** Edits the working-tree spec by exact text replacements (each must match). */
  editSpec(...edits: [from: string, to: string][]): this {
    let text = readFileSync(path.join(this.dir, SPEC), "utf8");
    for (const [from, to] of edits) {
      if (!text.includes(from)) throw new Error(`the spec has no ${JSON.stringify(from)}`);
      text = text.replace(from, to);
    }
    return this.write(SPEC, text);
  }

  commit(message: string): this {
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this;
  }
}

export function cleanUp(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Breaking: a response enum gains a value (clients' switches) and the 404 is no longer documented. */
export const BREAKING_EDITS: [string, string][] = [
  [
    "enum: [Runnable, Suspended, Complete, Terminated]",
    "enum: [Runnable, Suspended, Complete, Terminated, Cancelled]",
  ],
  [
    '        "404":\n          description: The workflow definition',
    '        "410":\n          description: The workflow definition',
  ],
];

/** Non-breaking: a higher page-size maximum. */
export const RELAXING_EDIT: [string, string] = ["        maximum: 500\n", "        maximum: 1000\n"];
