// startMock's options and the bin's arguments: checked before Prism starts, and the log it passes on.
import { describe, expect, it } from "vitest";
import { parseMockArgs } from "../src/cli.js";
import { defaultSpecPath, formatLogEntry, startMock } from "../src/index.js";
import { PATH } from "./support.js";

describe("startMock options", () => {
  it("refuses a bad port and a missing spec before starting anything", async () => {
    await expect(startMock({ port: -1 })).rejects.toThrow(RangeError);
    await expect(startMock({ port: 1.5 })).rejects.toThrow(RangeError);
    await expect(startMock({ spec: `${defaultSpecPath}.missing` })).rejects.toThrow(
      "OpenAPI document not found",
    );
  });

  it("passes Prism's log to `log` when asked, one entry per line of `prism mock`", async () => {
    const lines: string[] = [];
    const mock = await startMock({ logLevel: "info", log: (entry) => lines.push(formatLogEntry(entry)) });
    try {
      const response = await fetch(`${mock.url}${PATH}`, { headers: { authorization: "Bearer k" } });
      await response.body?.cancel();
    } finally {
      await mock.close();
    }
    expect(lines).toContain(`[HTTP SERVER] GET ${PATH} Request received`);
  });
});

describe("parseMockArgs", () => {
  const serve = {
    kind: "serve",
    port: 4010,
    host: "127.0.0.1",
    dynamic: false,
    seed: undefined,
    spec: undefined,
    quiet: false,
  };
  it.each([
    [[], {}, serve],
    [[], { PORT: "4620" }, { ...serve, port: 4620 }],
    [["--port", "4620"], { PORT: "1" }, { ...serve, port: 4620 }],
    [["--dynamic", "--seed", "demo", "--quiet"], {}, { ...serve, dynamic: true, seed: "demo", quiet: true }],
    [["--dynamic", "--seed", "-7"], {}, { ...serve, dynamic: true, seed: "-7" }],
    [
      ["--spec", "a.yaml", "--host", "::1", "--port=0"],
      {},
      { ...serve, spec: "a.yaml", host: "::1", port: 0 },
    ],
    [["--help"], {}, { kind: "help" }],
    [["-h", "--port", "x"], {}, { kind: "help" }],
  ])("%j with env %j", (argv, env, expected) => {
    expect(parseMockArgs(argv, env)).toEqual(expected);
  });

  it.each([
    [["--port", "http"], {}, '--port must be an integer from 0 to 65535 (got "http")'],
    [["--port", "70000"], {}, '--port must be an integer from 0 to 65535 (got "70000")'],
    [["--port", "-1"], {}, '--port must be an integer from 0 to 65535 (got "-1")'],
    [[], { PORT: "abc" }, '--port must be an integer from 0 to 65535 (got "abc")'],
    [["--seed", ""], {}, "--seed must not be empty"],
    [["--spec", ""], {}, "--spec must not be empty"],
    [["--dinamic"], {}, "Unknown option '--dinamic'"],
    [["--port"], {}, "Option '--port <value>' argument missing"],
  ])("refuses %j with env %j in one line", (argv, env, message) => {
    const command = parseMockArgs(argv, env);
    expect(command).toMatchObject({ kind: "usage", message: expect.stringContaining(message) });
    expect((command as { message: string }).message).not.toContain("\n");
  });
});
