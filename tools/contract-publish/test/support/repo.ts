// Throwaway repositories for contract:publish's tests: one consumer's pact, the spec, a probe report.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { specPath } from "@workflows-kit/spec";
import { afterAll } from "vitest";

export const TOKEN = "s3cr3t-token-value";
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.invalid",
};
export const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: dir, env: GIT_ENV, encoding: "utf8" }).trim();

/** A live probe of the API: the report `workflows probe --format json` writes. */
export const API_REPORT = {
  checks: [{ id: "order", verdict: "confirmed" }],
  source: "server",
  server: "https://automation.8x8.com",
};

/** A committed repository with one consumer's pact, the spec and (unless told) a probe report. */
export function repo(options: { report?: false | object } = {}): { dir: string; sha: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "contract-publish-"));
  made.push(dir);
  git(dir, "init", "-q", "-b", "main");
  mkdirSync(path.join(dir, "packages/app/pacts"), { recursive: true });
  const pact = {
    consumer: { name: "app" },
    provider: { name: "workflows-api" },
    interactions: [],
    metadata: { pactSpecification: { version: "4.0" } },
  };
  writeFileSync(path.join(dir, "packages/app/pacts/app-workflows-api.json"), JSON.stringify(pact));
  mkdirSync(path.join(dir, "spec"));
  copyFileSync(specPath, path.join(dir, "spec/workflows.openapi.yaml"));
  if (options.report !== false)
    writeFileSync(path.join(dir, "probe-report.json"), JSON.stringify(options.report ?? API_REPORT));
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "pacts");
  return { dir, sha: git(dir, "rev-parse", "HEAD") };
}
