import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { WorkflowInstance } from "@workflows-kit/client";
import { describe, expect, it } from "vitest";
import { generated, ids } from "./support/data.js";
import { API_KEY } from "./support/io.js";
import { providerPool } from "./support/providers.js";

const pool = providerPool();
const bin = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

interface Child {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node dist/cli.js ...args` as a child process. With `stopAfter`, the test closes its end of
 * stdout once that many bytes arrived, as `| head -c` would.
 */
function workflows(args: string[], env: Record<string, string>, stopAfter?: number): Promise<Child> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    if (stopAfter !== undefined && stdout.length >= stopAfter) child.stdout.destroy();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the built bin", () => {
  it("exists (turbo builds this package before its tests)", () => {
    expect(existsSync(bin), `${bin} is missing: run pnpm build first`).toBe(true);
  });

  it("runs end to end: node dist/cli.js list … against the reference provider", async () => {
    const instances = generated(30);
    const provider = await pool.serve(instances);
    const env = { WORKFLOWS_API_KEY: API_KEY, WORKFLOWS_BASE_URL: provider.url };
    const result = await workflows(["list", ...ids, "--limit", "5", "--format", "json"], env);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout) as WorkflowInstance[]).toEqual(instances.slice(0, 5));
    expect(result.stdout + result.stderr).not.toContain(API_KEY);
  });

  it("sets the exit code: a missing key is 3", async () => {
    const result = await workflows(["summary", ...ids], {});
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^workflows: WORKFLOWS_API_KEY is not set/);
  });

  it("a reader that goes away (| head) ends a long walk quietly with exit 0", async () => {
    const provider = await pool.serve(generated(5_000));
    const env = { WORKFLOWS_API_KEY: API_KEY, WORKFLOWS_BASE_URL: provider.url };
    const result = await workflows(["list", ...ids, "--all", "--limit", "10", "--format", "ndjson"], env, 1);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(provider.requests.length).toBeLessThan(500);
  });
});
