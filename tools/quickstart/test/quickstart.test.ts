// The quick start as a new user meets it: `pnpm start` (the root script, run as pnpm runs it), then
// the commands it says to try next and the README's ids against `pnpm provider`'s bin with its
// defaults. Real processes, synchronised on their output, never on sleeps.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createWorkflowsClient } from "@workflows-kit/client";
import {
  killLeftovers,
  type ProcessExit,
  type RunningProcess,
  startProcess,
} from "@workflows-kit/testing/drills";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const scripts = (
  JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;
// turbo from the repository's node_modules, as `pnpm start` finds it; the rest of this environment.
const env = {
  PATH: `${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
  FORCE_COLOR: "0",
};
/** Kills what hangs: turbo, Node and the provider on a loaded 2-core machine take seconds, not this. */
const HARD_TIMEOUT_MS = 100_000;

const start = (command: string, args: string[]): RunningProcess =>
  startProcess(command, args, { cwd: root, env, inheritEnv: true, hardTimeoutMs: HARD_TIMEOUT_MS });
afterAll(killLeftovers);
/** A shell line as the user would paste it, from the repository root. */
const sh = (line: string) => start("sh", ["-c", line]).exited;

const LOCAL = "http://127.0.0.1:4011";
const DEMO_ENV = `WORKFLOWS_BASE_URL=${LOCAL} WORKFLOWS_API_KEY=local-demo-key`;

describe("pnpm start", () => {
  let run: ProcessExit;
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
    let provider: RunningProcess;
    let url: string;
    beforeAll(async () => {
      const manifest = createRequire(import.meta.url).resolve("@workflows-kit/provider/package.json");
      const bin = path.join(path.dirname(manifest), "dist/main.js");
      // Its default seed, on a free port: the port is the one thing that differs from `pnpm provider`.
      provider = start(process.execPath, [bin, "--port", "0"]);
      [, url = ""] = (await provider.stdout.waitFor(/listening on (http:\/\/\S+)/)).groups;
    });
    afterAll(async () => {
      provider.signal("SIGTERM");
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
