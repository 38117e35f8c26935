// The quick start as a new user meets it: `pnpm start` (the root script, run as pnpm runs it), then
// the commands it says to try next and the README's ids against `pnpm provider`'s bin with its
// defaults. Real processes, synchronised on their output, never on sleeps.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createWorkflowsClient } from "@workflows-kit/client";
import { DEMO_API_KEY, ProviderStore } from "@workflows-kit/provider";
import {
  killLeftovers,
  type ProcessExit,
  type RunningProcess,
  startProcess,
} from "@workflows-kit/testing/drills";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const monitorReadme = readFileSync(path.join(root, "packages", "monitor", "README.md"), "utf8");
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
const DEMO_ENV = `WORKFLOWS_BASE_URL=${LOCAL} WORKFLOWS_API_KEY=${DEMO_API_KEY}`;

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

    it("accepts only the demo key, as it says", async () => {
      const { line } = await provider.stdout.waitFor(/ is accepted/);
      expect(line).toBe(
        "only the bearer key local-demo-key is accepted (--api-key K for others, --any-key for any); Ctrl-C stops it",
      );
    });

    it("names `pnpm provider` and commands on its port 4011 that work against its data; the probe confirms all", async () => {
      const next = run.stdout.slice(run.stdout.indexOf("\nNext:"));
      expect(next).toMatch(/^ {2}pnpm provider$/m);
      const commands = [...next.matchAll(/^ {2}(WORKFLOWS_BASE_URL=.*)$/gm)].map((m) => m[1] ?? "");
      expect(commands.length).toBeGreaterThanOrEqual(4);
      expect(commands.filter((command) => / probe /.test(command))).toHaveLength(1);
      for (const command of commands) {
        expect(command.startsWith(`${DEMO_ENV} node packages/cli/dist/cli.js `)).toBe(true);
        const result = await sh(command.replace(LOCAL, url));
        expect(result.stderr, command).toBe("");
        expect(result.code, command).toBe(0);
        expect(result.stdout.trim()).not.toBe("");
        // The bin with its defaults refuses a bad key (401), so even the bad-key check is confirmed.
        if (/ probe /.test(command))
          expect(result.stdout).toContain("17 confirmed, 0 contradicted, 0 inconclusive");
      }
    });

    it("the monitor README's demo example: every Terminated instance once, after a run with the default look-back (which finds none)", async () => {
      const section = monitorReadme.slice(
        monitorReadme.indexOf("## Try it on the demo data"),
        monitorReadme.indexOf("## Options"),
      );
      expect(section).toContain(`export ${DEMO_ENV} `);
      const [, line = ""] = /^node packages\/monitor\/dist\/cli\.js (.+)$/m.exec(section) ?? [];
      const args = line.split(" ");
      const flag = (name: string) => args[args.indexOf(name) + 1] ?? "";
      // What it must report: the seed's Terminated instances of the definition's latest version.
      const [first] = new ProviderStore({ seed: 1 }).definitions();
      const latest = Math.max(...(first?.instances ?? []).map((i) => i.version));
      const terminated = (first?.instances ?? []).filter(
        (i) => i.status === "Terminated" && i.version === latest,
      );
      expect([flag("--account"), flag("--definition")]).toEqual([first?.accountId, first?.definitionId]);
      expect(section).toContain(`It prints ${terminated.length} alerts`);
      const oldest = Math.min(...terminated.map((i) => Date.parse(i.startedAt)));
      // A fixed start (--since), so the example holds on any later day.
      expect(Date.parse(flag("--since"))).toBeLessThanOrEqual(oldest);

      const dir = await mkdtemp(path.join(tmpdir(), "wk-quickstart-monitor-"));
      try {
        // As the README runs it, from the repository root; only the checkpoint goes elsewhere.
        const checkpoint = path.join(dir, flag("--checkpoint"));
        const monitor = async (argv: string[]) => {
          const withCheckpoint = argv.map((arg, i) => (argv[i - 1] === "--checkpoint" ? checkpoint : arg));
          const exit = await startProcess(
            process.execPath,
            ["packages/monitor/dist/cli.js", ...withCheckpoint],
            {
              cwd: root,
              env: { WORKFLOWS_BASE_URL: url, WORKFLOWS_API_KEY: DEMO_API_KEY },
              hardTimeoutMs: HARD_TIMEOUT_MS,
            },
          ).exited;
          expect(exit.code, exit.stderr).toBe(0);
          return exit.stdout
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>);
        };
        const since = args.indexOf("--since");
        const withDefaultLookback = args.filter((_, i) => i !== since && i !== since + 1);
        expect(await monitor(withDefaultLookback)).toEqual([]); // 24 h: the demo data is older
        const alerts = await monitor(args);
        expect(alerts.map((a) => a.workflowId).sort()).toEqual(terminated.map((i) => i.workflowId).sort());
        expect(new Set(alerts.map((a) => a.type))).toEqual(new Set(["workflow.terminated"]));
        expect(await monitor(args)).toEqual([]); // each reported once
      } finally {
        await rm(dir, { recursive: true, force: true });
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
