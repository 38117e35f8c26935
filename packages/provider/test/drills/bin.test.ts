// `workflows-provider` (dist/main.js, built before this task by turbo) as a user meets it.
import { fileURLToPath } from "node:url";
import { killLeftovers, startProcess } from "@workflows-kit/testing/drills";
import { afterAll, describe, expect, it } from "vitest";
import { startProvider } from "../../src/index.js";

const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const bin = (...args: string[]) =>
  startProcess(process.execPath, [main, ...args], { inheritEnv: true, env: { PORT: "" } });
afterAll(killLeftovers);

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, text: string): void {
  expect(stderr).toContain(text);
  expect(stderr.trimEnd().split("\n"), stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("workflows-provider", () => {
  it("--help prints the usage and exits 0", async () => {
    const { code, stdout, stderr } = await bin("--help").exited;
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: workflows-provider");
    expect(stdout).toContain("Exit codes:");
    expect(stderr).toBe("");
  });

  it.each([
    [["--port", "abc"], '--port must be an integer from 0 to 65535 (got "abc")'],
    [["--seed", "foo"], '--seed must be an integer from 0 to 4294967295 (got "foo")'],
    [["--verbose"], "Unknown option '--verbose'"],
  ])("%j is refused in one line, exit 2", async (args, message) => {
    const { code, stdout, stderr } = await bin(...args).exited;
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expectOneLine(stderr, message);
  });

  it("a port in use (another provider on it) is one line, exit 3", async () => {
    const first = await startProvider({ definitions: [] });
    const { port } = new URL(first.url);
    try {
      const { code, stderr } = await bin("--port", port).exited;
      expect(code).toBe(3);
      expectOneLine(stderr, `127.0.0.1:${port} is already in use (EADDRINUSE)`);
    } finally {
      await first.close();
    }
  });

  it.each(["SIGINT", "SIGTERM"] as const)("serves the seeded data until %s, then exits 0", async (signal) => {
    const provider = startProcess(process.execPath, [main, "--seed", "7"], {
      inheritEnv: true,
      env: { PORT: "0" },
    });
    const {
      groups: [, url],
    } = await provider.stdout.waitFor(/listening on (http:\/\/\S+)/);
    const {
      groups: [, route],
    } = await provider.stdout.waitFor(/GET http:\/\/\S+?(\/api\/v1\/\S+\/workflows) {2}\(2500 instances\)/);
    const response = await fetch(`${url}${route}?limit=3`, { headers: { authorization: "Bearer any" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveLength(3);

    provider.signal(signal);
    const exit = await provider.exited;
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.stdout).toContain("reference provider stopped");
    await expect(fetch(`${url}${route}`)).rejects.toThrow(TypeError);
  });
});
