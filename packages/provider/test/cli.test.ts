// The bin's argument handling, without starting anything (test/drills/bin.test.ts runs the bin).
import { describe, expect, it } from "vitest";
import { DEMO_API_KEY, EXIT, keysLine, listenFailure, parseProviderArgs } from "../src/cli.js";

const DEMO = [DEMO_API_KEY];

describe("parseProviderArgs", () => {
  it.each([
    [[], {}, { kind: "serve", port: 4011, host: "127.0.0.1", seed: 1, apiKeys: DEMO }],
    [
      ["--port", "0", "--seed", "42", "--host", "::1"],
      {},
      { kind: "serve", port: 0, host: "::1", seed: 42, apiKeys: DEMO },
    ],
    [["--port=65535"], {}, { kind: "serve", port: 65_535, host: "127.0.0.1", seed: 1, apiKeys: DEMO }],
    [[], { PORT: "4631" }, { kind: "serve", port: 4631, host: "127.0.0.1", seed: 1, apiKeys: DEMO }],
    [
      ["--port", "4630"],
      { PORT: "4631" },
      { kind: "serve", port: 4630, host: "127.0.0.1", seed: 1, apiKeys: DEMO },
    ],
    [[], { PORT: "" }, { kind: "serve", port: 4011, host: "127.0.0.1", seed: 1, apiKeys: DEMO }],
    [
      ["--seed", "4294967295"],
      {},
      { kind: "serve", port: 4011, host: "127.0.0.1", seed: 4_294_967_295, apiKeys: DEMO },
    ],
    [["--help"], {}, { kind: "help" }],
    [
      ["--api-key", "k1", "--api-key=k2"],
      {},
      { kind: "serve", port: 4011, host: "127.0.0.1", seed: 1, apiKeys: ["k1", "k2"] },
    ],
    [["--any-key"], {}, { kind: "serve", port: 4011, host: "127.0.0.1", seed: 1, apiKeys: undefined }],
    [["-h", "--port", "abc"], {}, { kind: "help" }],
    // The key from the environment keeps it out of the command lines pnpm, turbo and ps show.
    [
      [],
      { WORKFLOWS_PROVIDER_API_KEY: "sk-env" },
      { kind: "serve", port: 4011, host: "127.0.0.1", seed: 1, apiKeys: ["sk-env"] },
    ],
    [
      ["--api-key", "k1"],
      { WORKFLOWS_PROVIDER_API_KEY: "sk-env" },
      { kind: "serve", port: 4011, host: "127.0.0.1", seed: 1, apiKeys: ["k1"] },
    ],
    [
      ["--any-key"],
      { WORKFLOWS_PROVIDER_API_KEY: "sk-env" },
      { kind: "serve", port: 4011, host: "127.0.0.1", seed: 1, apiKeys: undefined },
    ],
  ])("%j with env %j", (argv, env, expected) => {
    expect(parseProviderArgs(argv, env)).toEqual(expected);
  });

  it.each([
    [["--port", "abc"], {}, '--port must be an integer from 0 to 65535 (got "abc")'],
    [["--port", "65536"], {}, '--port must be an integer from 0 to 65535 (got "65536")'],
    [["--port", "-1"], {}, '--port must be an integer from 0 to 65535 (got "-1")'],
    [["--seed", "-1"], {}, '--seed must be an integer from 0 to 4294967295 (got "-1")'],
    [["--port", "1e3"], {}, '--port must be an integer from 0 to 65535 (got "1e3")'],
    [[], { PORT: "http" }, '--port must be an integer from 0 to 65535 (got "http")'],
    [["--seed", "foo"], {}, '--seed must be an integer from 0 to 4294967295 (got "foo")'],
    [["--seed", "1.5"], {}, '--seed must be an integer from 0 to 4294967295 (got "1.5")'],
    [["--seed", "4294967296"], {}, "--seed must be an integer from 0 to 4294967295"],
    [["--seed", ""], {}, "--seed must be an integer"],
    [["--host", ""], {}, "--host must not be empty"],
    [["--verbose"], {}, "Unknown option '--verbose'"],
    [["serve"], {}, "Unexpected argument 'serve'"],
    [["--api-key", "k", "--any-key"], {}, "--any-key accepts every key: give it or --api-key, not both"],
    [["--api-key", "two words"], {}, "--api-key must be printable ASCII without spaces (a bearer token)"],
    [["--api-key", ""], {}, "--api-key must be printable ASCII without spaces"],
    [[], { WORKFLOWS_PROVIDER_API_KEY: "a b" }, "WORKFLOWS_PROVIDER_API_KEY must be printable ASCII"],
  ])("refuses %j with env %j in one line", (argv, env, message) => {
    const command = parseProviderArgs(argv, env);
    expect(command).toMatchObject({ kind: "usage", message: expect.stringContaining(message) });
    expect((command as { message: string }).message).not.toContain("\n");
  });
});

describe("keysLine", () => {
  it.each([
    [DEMO, "only the bearer key local-demo-key is accepted (--api-key K for others, --any-key for any)"],
    [undefined, "any bearer key is accepted (--any-key)"],
    [["sk-live-secret"], "only the bearer key given is accepted (not shown)"],
    [["a", "b", "a"], "only the 2 bearer keys given are accepted (not shown)"],
  ])("%j: %s", (keys, line) => {
    expect(keysLine(keys)).toBe(line);
  });
});

describe("listenFailure", () => {
  it.each([
    ["EADDRINUSE", "127.0.0.1:4011 is already in use (EADDRINUSE)", EXIT.listen],
    ["EACCES", "no permission to listen on 127.0.0.1:4011 (EACCES)", EXIT.listen],
    ["EADDRNOTAVAIL", "cannot listen on 127.0.0.1:4011 (EADDRNOTAVAIL)", EXIT.listen],
    ["EMFILE", "cannot start: listen EMFILE", EXIT.failure],
  ])("%s", (code, message, exitCode) => {
    const error = Object.assign(new Error(`listen ${code}: something`), { code });
    const failure = listenFailure(error, "127.0.0.1", 4011);
    expect(failure.message).toContain(message);
    expect(failure.exitCode).toBe(exitCode);
  });
});
