// startProcess on real child processes: waiting on lines, group signals reaching the grandchildren,
// the environment, the hard timeout and killLeftovers. Synchronised on printed lines, never on sleeps.
import { afterAll, describe, expect, it } from "vitest";
import { killLeftovers, runChild, startProcess } from "../../src/drills/index.js";

afterAll(killLeftovers);

/** `node -e script` as a started process. */
const node = (script: string, options: Parameters<typeof startProcess>[2] = {}) =>
  startProcess(process.execPath, ["-e", script], options);

describe("startProcess", () => {
  it("a group signal reaches the whole group, as Ctrl-C does: a grandchild hears it too", async () => {
    const grandchild = `process.on("SIGTERM", () => { console.log("grandchild: SIGTERM"); process.exit(0); }); console.log("grandchild ready"); setInterval(() => {}, 1000);`;
    const parent = node(
      `require("node:child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: "inherit" }); setInterval(() => {}, 1000);`,
      { hardTimeoutMs: 30_000 },
    );
    await parent.stdout.waitFor(/grandchild ready/);
    parent.signal("SIGTERM");
    const exit = await parent.exited;
    expect(exit.signal).toBe("SIGTERM");
    expect(exit.stdout).toContain("grandchild: SIGTERM");
    parent.signal("SIGTERM"); // gone: nothing happens
  });

  it("a wait for a line that never comes rejects once the process exited; exited has code and output", async () => {
    const child = node(`console.log("starting"); console.error("boom"); process.exit(3);`);
    await expect(child.stdout.waitFor(/listening/)).rejects.toThrow(
      "the output ended without a line matching /listening/; lines so far:\nstarting",
    );
    const exit = await child.exited;
    expect(exit).toMatchObject({ code: 3, signal: null, stdout: "starting\n", stderr: "boom\n" });
    expect(exit.firstLineAt).toBeGreaterThanOrEqual(exit.startedAt);
    expect(exit.exitedAt).toBeGreaterThanOrEqual(exit.lastOutputAt);
  });

  it("gets PATH and its env only, unless it inherits; undefined removes a variable", async () => {
    process.env.WK_TESTING_OUTER = "outer";
    try {
      const show = `console.log(JSON.stringify([process.env.WK_TESTING_OUTER ?? null, process.env.WK_TESTING_SET ?? null, typeof process.env.PATH]))`;
      const clean = await node(show, { env: { WK_TESTING_SET: "set" } }).exited;
      expect(JSON.parse(clean.stdout)).toEqual([null, "set", "string"]);
      const inherited = await node(show, { inheritEnv: true }).exited;
      expect(JSON.parse(inherited.stdout)).toEqual(["outer", null, "string"]);
      const removed = await node(show, { inheritEnv: true, env: { WK_TESTING_OUTER: undefined } }).exited;
      expect(JSON.parse(removed.stdout)).toEqual([null, null, "string"]);
    } finally {
      delete process.env.WK_TESTING_OUTER;
    }
  });

  it("the hard timeout kills a process that hangs", async () => {
    const exit = await node(`setInterval(() => {}, 1000);`, { hardTimeoutMs: 100 }).exited;
    expect([exit.code, exit.signal]).toEqual([null, "SIGKILL"]);
  });

  it("killLeftovers kills what is still running", async () => {
    const child = node(`console.log("up"); setInterval(() => {}, 1000);`);
    await child.stdout.waitFor(/up/);
    killLeftovers();
    expect((await child.exited).signal).toBe("SIGKILL");
  });

  it("a command that cannot start rejects exited", async () => {
    await expect(startProcess("/nonexistent/wk-testing-bin", []).exited).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});

describe("runChild", () => {
  it("is `node …args` with its whole environment given, to completion", async () => {
    const result = await runChild(["-e", `console.log(process.env.ONLY); process.exit(2);`], {
      env: { ONLY: "this" },
      hardTimeoutMs: 30_000,
    });
    expect(result).toMatchObject({ code: 2, signal: null, stdout: "this\n" });
  });
});
