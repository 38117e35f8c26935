// `pnpm mock` (dist/main.js, built before `test` by turbo): starts, serves, stops on a signal.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { PATH } from "./support.js";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children = new Set<ChildProcess>();

afterAll(() => {
  // A failed test must not leave its server behind.
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

/** Spawns the CLI and resolves with its url once it prints that it is listening (no sleeps). */
function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    void exited.then((code) => reject(new Error(`mock exited with ${code} before listening:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}

// Each test starts a Node process that loads Prism (about 2 s here, more on a loaded CI machine).
describe.concurrent("pnpm mock (dist/main.js)", { timeout: 30_000 }, () => {
  it("is built (turbo builds it before this test)", () => {
    expect(existsSync(main), `${main} is missing: run pnpm build first`).toBe(true);
  });

  it("serves on --port, logs each request and exits 0 on SIGTERM", async () => {
    const cli = startCli(["--port", "0"]);
    const url = await cli.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const response = await fetch(`${url}${PATH}`, { headers: { authorization: "Bearer k" } });
    expect(response.status).toBe(200);
    await response.body?.cancel();

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain(`[HTTP SERVER] GET ${PATH} Request received`);
    await expect(fetch(url)).rejects.toThrow(TypeError);
  });

  it("takes the port from PORT and --dynamic --seed from the command line", async () => {
    const cli = startCli(["--dynamic", "--seed", "workflows-kit", "--quiet"], { PORT: "0" });
    const url = await cli.url;
    expect(cli.output()).toContain("(dynamic, seed workflows-kit)");
    const body = async () => {
      const response = await fetch(`${url}${PATH}`, { headers: { authorization: "Bearer k" } });
      return response.json();
    };
    expect(await body()).toEqual(await body());
    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(0);
  });

  it("exits 2 on a bad port", async () => {
    const cli = startCli(["--port", "http"]);
    await expect(cli.url).rejects.toThrow("mock exited with 2");
  });
});
