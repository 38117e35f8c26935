// `workflows-mock` (dist/main.js, built before this task by turbo) as a user meets it.
import { fileURLToPath } from "node:url";
import { killLeftovers, startProcess } from "@workflows-kit/testing/drills";
import { afterAll, describe, expect, it } from "vitest";
import { startMock } from "../../src/index.js";
import { PATH } from "../support.js";

const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
afterAll(killLeftovers); // A failed test must not leave its server behind.

/** Loading Prism takes seconds on a loaded 2-core machine, several at once here: a bound, not an expectation. */
const LISTENING_WITHIN_MS = 45_000;

/** Starts the bin (PORT unset unless given); `url()` resolves once it printed that it listens. */
function startCli(args: string[], env: Record<string, string> = {}) {
  const cli = startProcess(process.execPath, [main, ...args], { env: { PORT: "", ...env } });
  const url = async () => {
    const listening = await cli.stdout.waitFor(/listening on (http:\/\/\S+)/, {
      withinMs: LISTENING_WITHIN_MS,
    });
    return listening.groups[1] as string;
  };
  return { ...cli, url };
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
    const { code, stdout, stderr } = await startCli(["--help"]).exited;
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: workflows-mock");
    expect(stdout).toContain("Exit codes:");
    expect(stderr).toBe("");
  });

  it.each([
    [["--port", "http"], '--port must be an integer from 0 to 65535 (got "http")'],
    [["--verbose"], "Unknown option '--verbose'"],
  ])("%j is refused in one line, exit 2", async (args, message) => {
    const { code, stderr } = await startCli(args).exited;
    expect(code).toBe(2);
    expectOneLine(stderr, message);
  });

  it("a port in use (another mock on it) is one line, exit 3", async () => {
    const first = await startMock();
    const { port } = new URL(first.url);
    try {
      const { code, stderr } = await startCli(["--port", port]).exited;
      expect(code).toBe(3);
      expectOneLine(stderr, `Prism could not listen on 127.0.0.1:${port}`);
      expect(stderr).toContain("EADDRINUSE");
    } finally {
      await first.close();
    }
  });

  it("serves on --port, logs each request and exits 0 on SIGTERM", async () => {
    const cli = startCli(["--port", "0"]);
    const url = await cli.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const response = await fetch(`${url}${PATH}`, { headers: { authorization: "Bearer k" } });
    expect(response.status).toBe(200);
    await response.body?.cancel();

    cli.signal("SIGTERM");
    const { code, stdout } = await cli.exited;
    expect(code).toBe(0);
    expect(stdout).toContain(`[HTTP SERVER] GET ${PATH} Request received`);
    expect(stdout).toContain("Prism mock stopped");
    await expect(fetch(url)).rejects.toThrow(TypeError);
  });

  it("takes the port from PORT and --dynamic --seed from the command line; exits 0 on SIGINT", async () => {
    const cli = startCli(["--dynamic", "--seed", "workflows-kit", "--quiet"], { PORT: "0" });
    const url = await cli.url();
    expect(cli.stdout.text).toContain("(dynamic, seed workflows-kit)");
    const body = async () => {
      const response = await fetch(`${url}${PATH}`, { headers: { authorization: "Bearer k" } });
      return response.json();
    };
    expect(await body()).toEqual(await body());
    cli.signal("SIGINT");
    expect((await cli.exited).code).toBe(0);
  });
});
