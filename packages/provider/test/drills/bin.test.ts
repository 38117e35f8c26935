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

  /** The bin with `args` on a free port, once it listens: its URL and the first definition's route. */
  async function serving(...args: string[]) {
    const provider = startProcess(process.execPath, [main, ...args], {
      inheritEnv: true,
      env: { PORT: "0" },
    });
    const {
      groups: [, url],
    } = await provider.stdout.waitFor(/listening on (http:\/\/\S+)/);
    const {
      groups: [, route],
    } = await provider.stdout.waitFor(/GET http:\/\/\S+?(\/api\/v1\/\S+\/workflows) {2}\(\d+ instances\)/);
    const keys = await provider.stdout.waitFor(/ is accepted|are accepted/);
    /** The status and 8x8 code of one request with `key` as its bearer token. */
    const ask = async (key: string) => {
      const response = await fetch(`${url}${route}?limit=3`, { headers: { authorization: `Bearer ${key}` } });
      const body = (await response.json()) as unknown;
      return { status: response.status, body, code: (body as { code?: number }).code };
    };
    return { provider, url: url ?? "", route: route ?? "", keysLine: keys.line, ask };
  }

  it.each(["SIGINT", "SIGTERM"] as const)("serves the seeded data until %s, then exits 0", async (signal) => {
    const { provider, url, route, ask } = await serving("--seed", "7");
    expect(provider.stdout.lines.join("\n")).toMatch(/\(2500 instances\)/);
    const ok = await ask("local-demo-key");
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(3);

    provider.signal(signal);
    const exit = await provider.exited;
    expect([exit.code, exit.signal]).toEqual([0, null]);
    expect(exit.stdout).toContain("reference provider stopped");
    await expect(fetch(`${url}${route}`)).rejects.toThrow(TypeError);
  });

  it("accepts the demo key only by default, and says so: another key is a 401 (1200), as the real API answers", async () => {
    const { provider, keysLine, ask } = await serving();
    expect(keysLine).toBe(
      "only the bearer key local-demo-key is accepted (--api-key K for others, --any-key for any); Ctrl-C stops it",
    );
    expect((await ask("local-demo-key")).status).toBe(200);
    expect(await ask("any")).toMatchObject({ status: 401, code: 1200 });
    provider.signal("SIGTERM");
    expect((await provider.exited).code).toBe(0);
  });

  it("--api-key K (repeatable) replaces the demo key, never printed; --any-key accepts any key", async () => {
    const keyed = await serving("--api-key", "sk-one-SECRET", "--api-key", "sk-two-SECRET");
    expect(keyed.keysLine).toContain("only the 2 bearer keys given are accepted (not shown)");
    expect((await keyed.ask("sk-two-SECRET")).status).toBe(200);
    expect(await keyed.ask("local-demo-key")).toMatchObject({ status: 401, code: 1200 });
    keyed.provider.signal("SIGTERM");
    const exit = await keyed.provider.exited;
    expect(`${exit.stdout}${exit.stderr}`).not.toContain("SECRET");

    const open = await serving("--any-key");
    expect(open.keysLine).toBe("any bearer key is accepted (--any-key); Ctrl-C stops it");
    expect((await open.ask("whatever-key")).status).toBe(200);
    open.provider.signal("SIGTERM");
    expect((await open.provider.exited).code).toBe(0);
  });
});
