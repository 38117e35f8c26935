// `pnpm provider`, `pnpm mock`, `pnpm spec:diff` and `pnpm contract:publish` from the repository root,
// as the READMEs document them: arguments never change a build's cache key.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { killLeftovers, startProcess } from "@workflows-kit/testing/drills";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const scripts = (
  JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;
const env = { PATH: `${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}` };
afterAll(killLeftovers);

interface DryTask {
  taskId: string;
  hash: string;
  cliArguments: string[];
}

/**
 * The tasks of a root script as pnpm runs it with `extra` appended (pnpm appends arguments to the
 * end of the script), each turbo invocation in dry-run mode.
 */
async function dryRun(script: string, extra: string): Promise<DryTask[]> {
  const parts = script.split("&&").map((part) => part.trim());
  const tasks: DryTask[] = [];
  for (const [index, part] of parts.entries()) {
    expect(part, "root scripts only call turbo run").toMatch(/^(?:[A-Z_]+=\S* )*(?:exec )?turbo run /);
    const last = index === parts.length - 1;
    const { code, stdout, stderr } = await startProcess(
      "sh",
      // A trailing `--` (the script forwards arguments) stays after turbo's own flags.
      [
        "-c",
        `${part.replace(/ --$/, "")} --dry=json${part.endsWith(" --") ? " --" : ""} ${last ? extra : ""}`,
      ],
      {
        cwd: root,
        inheritEnv: true,
        env,
      },
    ).exited;
    expect(code, stderr).toBe(0);
    tasks.push(...(JSON.parse(stdout) as { tasks: DryTask[] }).tasks);
  }
  return tasks;
}

/**
 * The script's tasks with `extra` appended, after checking that the script builds first and that
 * `extra` leaves every task's hash but `task`'s as it was.
 */
async function withArguments(script: string, task: string, extra: string): Promise<DryTask[]> {
  const command = scripts[script] as string;
  const [plain, withArgs] = [await dryRun(command, ""), await dryRun(command, extra)];
  const hashes = (tasks: DryTask[]) =>
    new Map(tasks.filter((t) => t.taskId !== task).map((t) => [t.taskId, t.hash]));
  expect(hashes(plain).size, "the script builds first").toBeGreaterThan(1);
  expect(hashes(withArgs)).toEqual(hashes(plain));
  return withArgs;
}

describe.each([
  { script: "provider", task: "@workflows-kit/provider#provider", stopped: "reference provider stopped" },
  { script: "mock", task: "@workflows-kit/mock#mock", stopped: "Prism mock stopped" },
])("pnpm $script", ({ script, task, stopped }) => {
  it("arguments reach the server only: the build's cache key stays the same", async () => {
    const withArgs = await withArguments(script, task, "-- --port 4630");
    expect(withArgs.filter((t) => t.cliArguments.length > 0).map((t) => [t.taskId, t.cliArguments])).toEqual([
      [task, ["--port", "4630"]],
    ]);
  });

  it("Ctrl-C stops it cleanly: exit 0, no ELIFECYCLE", { timeout: 180_000 }, async () => {
    const server = startProcess("pnpm", [script, "--", "--port", "0"], { cwd: root, inheritEnv: true });
    await server.stdout.waitFor(/listening on http:\/\/\S+/);
    server.signal("SIGINT");
    const { code, signal, stdout, stderr } = await server.exited;
    const output = `${stdout}\n${stderr}`;
    expect([code, signal], output).toEqual([0, null]);
    expect(output).toContain(stopped);
    // The server's own lines, without turbo's task prefix.
    expect(stdout).toMatch(/^(reference provider|Prism mock \([\w ]+\)) listening on http/m);
    expect(output).not.toMatch(/ELIFECYCLE|Command failed/);
  });
});

describe.each([
  { script: "spec:diff", task: "@workflows-kit/spec-diff#spec:diff", args: ["--base", "HEAD~1"] },
  {
    script: "contract:publish",
    task: "@workflows-kit/contract-publish#contract:publish",
    args: ["--provider-contract"],
  },
])("pnpm $script", ({ script, task, args }) => {
  it("arguments reach the command only: the builds' cache keys stay the same", async () => {
    const withArgs = await withArguments(script, task, `-- ${args.join(" ")}`);
    expect(withArgs.filter((t) => t.cliArguments.length > 0).map((t) => t.taskId)).toEqual([task]);
  });
});

describe("pnpm provider with the key in the environment", () => {
  it("accepts it, and neither pnpm, turbo nor the provider prints it", { timeout: 180_000 }, async () => {
    const key = "sk-from-the-environment";
    const server = startProcess("pnpm", ["provider", "--", "--port", "0"], {
      cwd: root,
      inheritEnv: true,
      env: { WORKFLOWS_PROVIDER_API_KEY: key },
    });
    const url = (await server.stdout.waitFor(/listening on (http:\/\/\S+)/)).groups[1];
    const ids = "accounts/demo-account/definitions/08ff49b6-f772-4632-a716-c43069c43a8c/workflows?limit=1";
    const status = async (bearer: string) =>
      (await fetch(`${url}/api/v1/${ids}`, { headers: { authorization: `Bearer ${bearer}` } })).status;
    expect([await status(key), await status("local-demo-key")]).toEqual([200, 401]);
    server.signal("SIGINT");
    const { stdout, stderr } = await server.exited;
    expect(stdout).toContain("only the bearer key given is accepted (not shown)");
    expect(`${stdout}\n${stderr}`).not.toContain(key);
  });
});
