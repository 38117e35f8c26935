// The quick start as a new user meets it: `pnpm start` (the root script, run as pnpm runs it), then
// the commands it says to try next and the README's ids against `pnpm provider`'s bin with its
// defaults. Real processes, synchronised on their output, never on sleeps.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createWorkflowsClient } from "@workflows-kit/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const scripts = (
  JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;
const PATH = `${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits before. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<Exit>;
}

function start(command: string, args: string[]): Running {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, PATH, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers) watcher();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (!match) return;
          watchers.delete(check);
          resolve(match);
        };
        watchers.add(check);
        check();
        void exited.then(({ code }) =>
          reject(new Error(`exited (${code}) before ${pattern}:\n${stdout}\n${stderr}`)),
        );
      }),
  };
}

/** A shell line as the user would paste it, from the repository root. */
const sh = (line: string) => start("sh", ["-c", line]).exited;

const LOCAL = "http://127.0.0.1:4011";
const DEMO_ENV = `WORKFLOWS_BASE_URL=${LOCAL} WORKFLOWS_API_KEY=local-demo-key`;

describe("pnpm start", () => {
  let run: Exit;
  beforeAll(async () => {
    // The root script as pnpm runs it; `--only`: the builds it would run first are this task's dependencies.
    run = await sh(`${scripts.start} --only`);
  });

  it("exits 0 and prints no turbo task prefix on any line", () => {
    expect(run.code, run.stderr).toBe(0);
    expect(scripts.start).toContain("--log-prefix=none");
    expect(run.stdout).toContain("17 confirmed, 0 contradicted, 0 inconclusive");
    expect(run.stdout).not.toMatch(/^\S*quickstart:start:/m);
    expect(run.stdout).toMatch(/^reference provider on http:\/\/127\.0\.0\.1:\d+: definition /m);
  });

  it("echoes each command as a line a shell runs: the environment and the bin included", () => {
    // (pnpm echoes the task's own script, `$ node main.mjs`, before it: not one of the CLI's commands.)
    expect(run.stdout).not.toMatch(/^\$ workflows /m);
    const echoed = [...run.stdout.matchAll(/^\$ (WORKFLOWS_.*)$/gm)].map((m) => m[1]);
    expect(echoed.map((line) => line?.split(" ").slice(4, 5)[0])).toEqual(["summary", "list", "probe"]);
    for (const line of echoed) {
      expect(line).toMatch(
        /^WORKFLOWS_BASE_URL=http:\/\/127\.0\.0\.1:\d+ WORKFLOWS_API_KEY=local-demo-key node packages\/cli\/dist\/cli\.js (summary|list|probe) --account demo-account --definition [0-9a-f-]{36}( |$)/,
      );
    }
  });

  describe("what it says to try next, with `pnpm provider` (its bin, default seed) running", () => {
    let provider: Running;
    let url: string;
    beforeAll(async () => {
      const manifest = createRequire(import.meta.url).resolve("@workflows-kit/provider/package.json");
      const bin = path.join(path.dirname(manifest), "dist/main.js");
      // Its default seed, on a free port: the port is the one thing that differs from `pnpm provider`.
      provider = start(process.execPath, [bin, "--port", "0"]);
      [, url = ""] = await provider.waitFor(/listening on (http:\/\/\S+)/);
    });
    afterAll(async () => {
      provider.child.kill("SIGTERM");
      await provider.exited;
    });

    it("names `pnpm provider` and commands on its port 4011 that work against its data", async () => {
      const next = run.stdout.slice(run.stdout.indexOf("\nNext:"));
      expect(next).toMatch(/^ {2}pnpm provider$/m);
      const commands = [...next.matchAll(/^ {2}(WORKFLOWS_BASE_URL=.*)$/gm)].map((m) => m[1] ?? "");
      expect(commands.length).toBeGreaterThanOrEqual(3);
      for (const command of commands) {
        expect(command.startsWith(`${DEMO_ENV} node packages/cli/dist/cli.js `)).toBe(true);
        const result = await sh(command.replace(LOCAL, url));
        expect(result.stderr, command).toBe("");
        expect(result.code, command).toBe(0);
        expect(result.stdout.trim()).not.toBe("");
      }
    });

    it("the README's quick start commands are the ones `pnpm start` prints", () => {
      const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## The pipeline"));
      const documented = [
        ...quickStart.matchAll(/^(WORKFLOWS_BASE_URL=\S+ WORKFLOWS_API_KEY=\S+ node .*?)\s*(#.*)?$/gm),
      ].map((m) => m[1]);
      expect(documented.length).toBeGreaterThan(0);
      for (const command of documented) expect(run.stdout).toContain(`  ${command}\n`);
    });

    it("the ids of the README's client snippet exist in that data", async () => {
      const section = readme.slice(readme.indexOf("## Using the client"));
      const [, accountId = "", definitionId = ""] =
        /const ids = \{ accountId: "([^"]+)", definitionId: "([^"]+)" \}/.exec(section) ?? [];
      const client = createWorkflowsClient({ apiKey: "local-demo-key", baseUrl: url });
      const page = await client.listWorkflowInstances({ accountId, definitionId, limit: 5 });
      expect(page).toHaveLength(5);
      expect(section).toContain(LOCAL);
    });
  });
});
