// `workflows-mock` (dist/main.js, built before this task by turbo) as a user meets it.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startMock } from "../../src/index.js";
import { PATH } from "../support.js";

const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const children = new Set<ChildProcess>();

afterAll(() => {
  // A failed test must not leave its server behind.
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

/** Spawns the bin; `url` resolves once it prints that it is listening (no sleeps). */
function startCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, PORT: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let [stdout, stderr] = ["", ""];
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    void exited.then((code) =>
      reject(new Error(`mock exited with ${code} before listening:\n${stdout}${stderr}`)),
    );
  });
  url.catch(() => {}); // Cases that expect an exit never await it.
  return { child, url, exited, stdout: () => stdout, stderr: () => stderr };
}

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, text: string): void {
  expect(stderr).toContain(text);
  expect(stderr.trimEnd().split("\n"), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
}

// The serving cases start a Node process that loads Prism (seconds on a loaded machine).
describe.concurrent("workflows-mock (dist/main.js)", () => {
  it("--help prints the usage and exits 0", async () => {
    const cli = startCli(["--help"]);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain("Usage: workflows-mock");
    expect(cli.stdout()).toContain("Exit codes:");
    expect(cli.stderr()).toBe("");
  });

  it.each([
    [["--port", "http"], '--port must be an integer from 0 to 65535 (got "http")'],
    [["--verbose"], "Unknown option '--verbose'"],
  ])("%j is refused in one line, exit 2", async (args, message) => {
    const cli = startCli(args);
    expect(await cli.exited).toBe(2);
    expectOneLine(cli.stderr(), message);
  });

  it("a port in use (another mock on it) is one line, exit 3", async () => {
    const first = await startMock();
    const { port } = new URL(first.url);
    try {
      const cli = startCli(["--port", port]);
      expect(await cli.exited).toBe(3);
      expectOneLine(cli.stderr(), `Prism could not listen on 127.0.0.1:${port}`);
      expect(cli.stderr()).toContain("EADDRINUSE");
    } finally {
      await first.close();
    }
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
    expect(cli.stdout()).toContain(`[HTTP SERVER] GET ${PATH} Request received`);
    expect(cli.stdout()).toContain("Prism mock stopped");
    await expect(fetch(url)).rejects.toThrow(TypeError);
  });

  it("takes the port from PORT and --dynamic --seed from the command line; exits 0 on SIGINT", async () => {
    const cli = startCli(["--dynamic", "--seed", "workflows-kit", "--quiet"], { PORT: "0" });
    const url = await cli.url;
    expect(cli.stdout()).toContain("(dynamic, seed workflows-kit)");
    const body = async () => {
      const response = await fetch(`${url}${PATH}`, { headers: { authorization: "Bearer k" } });
      return response.json();
    };
    expect(await body()).toEqual(await body());
    cli.child.kill("SIGINT");
    expect(await cli.exited).toBe(0);
  });
});
