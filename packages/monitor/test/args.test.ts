// Flags and environment to a config: defaults, durations, and errors that name the flag.
import { describe, expect, it } from "vitest";
import { parseConfig, parseDuration, UsageError } from "../src/index.js";

const ids = ["--account", "acme", "--definition", "5870442f-3ddd-4657-b74c-6e17308f5230"];
const parse = (args: string[], env: Record<string, string> = {}) => parseConfig([...ids, ...args], env);

describe("parseConfig", () => {
  it("has documented defaults", () => {
    expect(parse([])).toEqual({
      accountId: "acme",
      definitionIds: ["5870442f-3ddd-4657-b74c-6e17308f5230"],
      version: undefined,
      pageSize: undefined,
      intervalMs: 60_000,
      lookbackMs: 86_400_000,
      maxBackoffMs: 600_000,
      maxReported: 10_000,
      checkpointPath: "workflows-monitor.checkpoint.json",
      webhook: undefined,
      once: false,
      verbose: false,
    });
  });

  it("takes every flag; --definition repeats", () => {
    const config = parse([
      ...["--definition", "9b2f7a4e-51c3-4d8a-b0e6-2f4c8d1a7e35", "--version", "3", "--page-size", "50"],
      ...["--interval", "30s", "--lookback", "7d", "--max-backoff", "1h", "--max-reported", "500"],
      ...["--checkpoint", "/var/lib/m.json", "--webhook", "https://hooks.test/x", "--webhook-timeout", "2s"],
      ...["--webhook-retries", "0", "--once", "--verbose"],
    ]);
    expect(config).toEqual({
      accountId: "acme",
      definitionIds: ["5870442f-3ddd-4657-b74c-6e17308f5230", "9b2f7a4e-51c3-4d8a-b0e6-2f4c8d1a7e35"],
      version: 3,
      pageSize: 50,
      intervalMs: 30_000,
      lookbackMs: 7 * 86_400_000,
      maxBackoffMs: 3_600_000,
      maxReported: 500,
      checkpointPath: "/var/lib/m.json",
      webhook: { url: "https://hooks.test/x", timeoutMs: 2_000, retries: 0 },
      once: true,
      verbose: true,
    });
  });

  it("takes the webhook from WORKFLOWS_MONITOR_WEBHOOK (kept out of the process list); the flag wins", () => {
    expect(parse([], { WORKFLOWS_MONITOR_WEBHOOK: "https://a.test/t" })).toMatchObject({
      webhook: { url: "https://a.test/t" },
    });
    expect(
      parse(["--webhook", "https://b.test/"], { WORKFLOWS_MONITOR_WEBHOOK: "https://a.test/t" }),
    ).toMatchObject({ webhook: { url: "https://b.test/" } });
    expect(parse([], { WORKFLOWS_MONITOR_WEBHOOK: "" })).toMatchObject({ webhook: undefined });
  });

  it("--help wins over everything else", () => {
    expect(parseConfig(["--help"], {})).toBe("help");
    expect(parseConfig(["-h", "--interval", "nope"], {})).toBe("help");
  });

  it("--version or -V alone asks for the program's version; with other flags --version N is the definition's", () => {
    expect(parseConfig(["--version"], {})).toBe("version");
    expect(parseConfig(["-V"], {})).toBe("version");
    expect(parse(["--version", "3"])).toMatchObject({ version: 3 });
    const missing = () => parse(["--version"]);
    expect(missing).toThrow(UsageError);
    expect(missing).toThrow(
      "--version needs a definition version N here (alone, --version prints the version of workflows-monitor)",
    );
  });

  it("leaves --version and --page-size to the client, which checks them against the spec", () => {
    expect(parse(["--version", "0", "--page-size", "1e2"])).toMatchObject({
      version: 0,
      pageSize: Number.NaN,
    });
  });

  it.each([
    [[], "--account is required", ["--definition", "5870442f-3ddd-4657-b74c-6e17308f5230"]],
    [[], "--definition is required (repeat it to watch several)", ["--account", "acme"]],
    [
      ["--interval", "1.5h"],
      '--interval must be a duration from 1ms to 24d such as 500ms, 30s, 5m, 24h (got "1.5h")',
    ],
    [["--interval", "0s"], "--interval must be a duration"],
    [["--interval", "30"], "--interval must be a duration"],
    [["--interval", "25d"], "--interval must be a duration from 1ms to 24d"],
    [["--lookback", "400d"], "--lookback must be a duration from 1ms to 366d"],
    [["--lookback", "2d", "--since", "2026-10-01T00:00:00Z"], "--since cannot be combined with --lookback"],
    [["--max-reported", "0"], '--max-reported must be an integer from 1 to 1000000 (got "0")'],
    [
      ["--webhook", "https://h.test/", "--webhook-retries", "11"],
      '--webhook-retries must be an integer from 0 to 10 (got "11")',
    ],
    // Refused the same with or without a webhook, so adding one later cannot reveal a mistake.
    [["--webhook-retries", "11"], '--webhook-retries must be an integer from 0 to 10 (got "11")'],
    [["--webhook-retries", "abc"], '--webhook-retries must be an integer from 0 to 10 (got "abc")'],
    [
      ["--webhook-timeout", "0ms"],
      '--webhook-timeout must be a duration from 1ms to 24d such as 500ms, 30s, 5m, 24h (got "0ms")',
    ],
    // A negative number after a space reaches the range check, as with `=`, not Node's "ambiguous".
    [["--max-reported", "-5"], '--max-reported must be an integer from 1 to 1000000 (got "-5")'],
    [["--max-reported=-5"], '--max-reported must be an integer from 1 to 1000000 (got "-5")'],
    [["--webhook-retries", "-1"], '--webhook-retries must be an integer from 0 to 10 (got "-1")'],
    [
      ["--interval", "-.5s"],
      '--interval must be a duration from 1ms to 24d such as 500ms, 30s, 5m, 24h (got "-.5s")',
    ],
    [["--bogus"], "Unknown option '--bogus'"],
    [["extra"], "Unexpected argument 'extra'"],
    [["--once=yes"], "Option '--once' does not take an argument"],
  ])("%j: %s", (args, message, base = ids) => {
    const run = () => parseConfig([...base, ...args], {});
    expect(run).toThrow(UsageError);
    expect(run).toThrow(message);
  });

  it("a dash-led value that is not a number is Node's first sentence, on one line", () => {
    let thrown: unknown;
    try {
      parseConfig([...ids, "--account", "-x"], {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toContain("Option '--account' argument is ambiguous");
    expect((thrown as Error).message).not.toContain("\n");
  });

  it("hands a negative --page-size or --version after a space to the client's range checks, as with `=`", () => {
    expect(parse(["--page-size", "-1", "--version", "-2"])).toMatchObject({
      pageSize: Number.NaN,
      version: Number.NaN,
    });
  });

  it.each([
    ["--webhook", "ftp://hooks.test/secret-token", "must be an absolute http(s) URL"],
    ["--webhook", "hooks.test/secret-token", "must be an absolute http(s) URL"],
    ["--webhook", "https://user:secret-token@hooks.test/", "must not carry user:password@"],
  ])("refuses %s %s without echoing it", (flag, url, message) => {
    const error = (() => {
      try {
        parse([flag, url]);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain(`--webhook ${message}`);
    expect(error?.message).not.toContain("secret-token");
  });

  it("names the variable when the webhook came from the environment", () => {
    expect(() => parse([], { WORKFLOWS_MONITOR_WEBHOOK: "nope" })).toThrow(
      "WORKFLOWS_MONITOR_WEBHOOK must be",
    );
  });
});

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["24h", 86_400_000],
    ["2d", 172_800_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration("--x", text)).toBe(ms);
  });
});
