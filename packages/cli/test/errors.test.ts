import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../src/index.js";
import { definitionId, ids, unknownDefinitionId } from "./support/data.js";
import { API_KEY, cli } from "./support/io.js";
import { closedPortUrl, providerPool } from "./support/providers.js";

const pool = providerPool();
/** Fast failure for the network cases: one retry after ~1 s at most would slow the suite. */
const quick = { WORKFLOWS_MAX_RETRIES: "1", WORKFLOWS_TIMEOUT_MS: "200" };

const errorBody = (code: number, message: string) =>
  JSON.stringify({ code, message, errorId: "e-1", timestamp: "2021-06-30T03:20:39.3857479Z" });
const answer =
  (status: number, body: string, headers: Record<string, string> = {}) =>
  (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };

interface Case {
  name: string;
  args: string[];
  exit: number;
  stderr: RegExp;
  /** The base URL to run against; default: a provider with no instances. */
  baseUrl?: () => Promise<string>;
  env?: Record<string, string | undefined>;
}

const cases: Case[] = [
  { name: "no command", args: [], exit: 2, stderr: /^workflows: missing command: list, summary or probe\n/ },
  {
    name: "an unknown command",
    args: ["lsit"],
    exit: 2,
    stderr: /unknown command "lsit": expected list, summary or probe/,
  },
  {
    name: "an unknown flag",
    args: ["list", ...ids, "--bogus"],
    exit: 2,
    stderr: /Unknown option '--bogus'\nRun 'workflows --help'/,
  },
  {
    name: "a flag without its value",
    args: ["list", ...ids, "--limit"],
    exit: 2,
    stderr: /Option '--limit <value>' argument missing/,
  },
  {
    name: "a bad UUID",
    args: ["list", "--account", "acme", "--definition", "nope"],
    exit: 2,
    stderr: /^workflows: --definition must be a UUID \(got "nope"\)\n$/,
  },
  {
    name: "a missing --account",
    args: ["list", "--definition", unknownDefinitionId],
    exit: 2,
    stderr: /^workflows: --account is required\n$/,
  },
  {
    name: "--limit out of range",
    args: ["list", ...ids, "--limit", "501"],
    exit: 2,
    stderr: /--limit must be an integer from 1 to 500 \(got "501"\)/,
  },
  {
    name: "--limit not a number",
    args: ["list", ...ids, "--all", "--limit", "ten"],
    exit: 2,
    stderr: /--limit must be an integer from 1 to 500 \(got "ten"\)/,
  },
  {
    name: "a negative --offset",
    args: ["list", ...ids, "--offset=-1"],
    exit: 2,
    stderr: /--offset must be an integer >= 0 \(got "-1"\)/,
  },
  {
    name: "--version 0",
    args: ["summary", ...ids, "--version", "0"],
    exit: 2,
    stderr: /--version must be an integer >= 1 \(got "0"\)/,
  },
  {
    name: "a bad --max",
    args: ["list", ...ids, "--all", "--max=-3"],
    exit: 2,
    stderr: /--max must be an integer >= 0 \(got "-3"\)/,
  },
  {
    name: "an unknown --status",
    args: ["list", ...ids, "--status", "Done"],
    exit: 2,
    stderr: /--status must be one of Runnable, Suspended, Complete, Terminated \(got "Done"\)/,
  },
  {
    name: "a bad --from",
    args: ["list", ...ids, "--from", "yesterday"],
    exit: 2,
    stderr: /--from must be an ISO 8601 date-time/,
  },
  {
    name: "--from after --to",
    args: ["list", ...ids, "--from", "2021-07-01T00:00:00Z", "--to", "2021-06-01T00:00:00Z"],
    exit: 2,
    stderr: /--from must not be later than --to/,
  },
  {
    name: "an unknown --format",
    args: ["list", ...ids, "--format", "xml"],
    exit: 2,
    stderr: /--format must be one of table, json, ndjson, csv \(got "xml"\)/,
  },
  {
    name: "ndjson for summary",
    args: ["summary", ...ids, "--format", "ndjson"],
    exit: 2,
    stderr: /--format must be one of table, json \(got "ndjson"\)/,
  },
  {
    name: "--offset with --all",
    args: ["list", ...ids, "--all", "--offset", "1"],
    exit: 2,
    stderr: /--offset cannot be combined with --all/,
  },
  { name: "--max without --all", args: ["list", ...ids, "--max", "5"], exit: 2, stderr: /--max needs --all/ },
  {
    name: "--all for summary",
    args: ["summary", ...ids, "--all"],
    exit: 2,
    stderr: /Unknown option '--all'/,
  },
  {
    name: "a bad WORKFLOWS_BASE_URL",
    args: ["list", ...ids],
    env: { WORKFLOWS_BASE_URL: "ftp://x" },
    exit: 2,
    stderr: /^workflows: WORKFLOWS_BASE_URL must be an absolute http\(s\) URL\n$/,
  },
  {
    name: "a bad WORKFLOWS_MAX_RETRIES",
    args: ["list", ...ids],
    env: { WORKFLOWS_MAX_RETRIES: "many" },
    exit: 2,
    stderr: /WORKFLOWS_MAX_RETRIES must be an integer >= 0 \(got "many"\)/,
  },
  {
    name: "a missing key",
    args: ["list", ...ids],
    env: { WORKFLOWS_API_KEY: undefined },
    exit: 3,
    stderr: /^workflows: WORKFLOWS_API_KEY is not set/,
  },
  {
    name: "an empty key",
    args: ["summary", ...ids],
    env: { WORKFLOWS_API_KEY: "" },
    exit: 3,
    stderr: /WORKFLOWS_API_KEY is not set/,
  },
  {
    name: "a key the client refuses",
    args: ["list", ...ids],
    env: { WORKFLOWS_API_KEY: `${API_KEY} x` },
    exit: 3,
    stderr: /^workflows: WORKFLOWS_API_KEY must be a non-empty string of visible ASCII\n$/,
  },
  {
    name: "a key the server rejects (401)",
    args: ["list", ...ids],
    baseUrl: async () => (await pool.serve([], { apiKeys: ["k"] })).url,
    exit: 3,
    stderr:
      /^workflows: authentication failed: the server rejected WORKFLOWS_API_KEY \(401, code 1200, errorId [0-9a-f-]{36}; GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/accounts\/acme\/definitions\/5870442f-3ddd-4657-b74c-6e17308f5230\/workflows\)\n$/,
  },
  {
    name: "a forbidden account (403)",
    args: ["list", ...ids],
    baseUrl: () => pool.raw(answer(403, errorBody(1201, "Forbidden."))),
    exit: 3,
    stderr: /permission denied: the API key may not read account "acme" \(403, code 1201, errorId e-1;/,
  },
  {
    name: "an unknown definition (404)",
    args: ["list", "--account", "acme", "--definition", unknownDefinitionId],
    exit: 4,
    stderr:
      /^workflows: not found: Definition 2aa9465e-dec7-4c3e-8fa6-bd168af9eaca not found\. Check --account and --definition \(404, code 1300/,
  },
  {
    name: "an unknown account (404) during a walk",
    args: ["summary", "--account", "other", "--definition", definitionId],
    exit: 4,
    stderr: /not found: Definition/,
  },
  {
    name: "a parameter the server rejects (400)",
    args: ["list", ...ids],
    baseUrl: () => pool.raw(answer(400, errorBody(1000, "Invalid definition id."))),
    exit: 2,
    stderr: /the server rejected a parameter: Invalid definition id\. \(400, code 1000/,
  },
  {
    name: "an unreachable port",
    args: ["list", ...ids],
    baseUrl: closedPortUrl,
    env: quick,
    exit: 5,
    stderr:
      /^workflows: cannot reach the server, retries exhausted: GET http:\/\/127\.0\.0\.1:\d+\/api.*ECONNREFUSED/,
  },
  {
    name: "a server that never answers",
    args: ["list", ...ids, "--all"],
    baseUrl: () => pool.raw(() => {}),
    env: quick,
    exit: 5,
    stderr:
      /^workflows: timed out: no answer within 200 ms \(WORKFLOWS_TIMEOUT_MS\), retries exhausted; GET http/,
  },
  {
    name: "503 after retries",
    args: ["list", ...ids],
    baseUrl: () => pool.raw(answer(503, "<html>down</html>")),
    env: quick,
    exit: 5,
    stderr: /the server failed, retries exhausted \(503; GET/,
  },
  {
    name: "429 after retries",
    args: ["summary", ...ids],
    baseUrl: () => pool.raw(answer(429, errorBody(1, "Slow down."), { "retry-after": "0" })),
    env: quick,
    exit: 5,
    stderr: /rate limited by the server, retries exhausted; it asks to wait 0 s \(429, code 1/,
  },
  {
    name: "another API error (418)",
    args: ["list", ...ids],
    baseUrl: () => pool.raw(answer(418, errorBody(7, "Teapot."))),
    exit: 1,
    stderr: /^workflows: unexpected answer: GET http.* failed with 418/,
  },
  {
    name: "a 200 that is not the API's JSON",
    args: ["list", ...ids],
    baseUrl: () => pool.raw(answer(200, "<html>login</html>")),
    exit: 1,
    stderr:
      /^workflows: unexpected error: InvalidResponseError: GET http.* answered 200 with a body that is not JSON/,
  },
];

describe("exit codes and messages", () => {
  it("names the codes as documented", () => {
    expect(ExitCode).toEqual({ Ok: 0, Unexpected: 1, Usage: 2, Auth: 3, NotFound: 4, Unavailable: 5 });
  });

  it.each(cases)(
    "$exit for $name; the key is never printed",
    async ({ args, exit, stderr, baseUrl, env }) => {
      const url = baseUrl ? await baseUrl() : (await pool.serve([])).url;
      const result = await cli(args, { baseUrl: url, ...(env ? { env } : {}) });
      expect(result.stderr).toMatch(stderr);
      expect(result.code).toBe(exit);
      expect(result.stdout).toBe("");
      expect(result.stderr).not.toContain(API_KEY);
      expect(result.stderr.split("\n").filter(Boolean).length).toBeLessThanOrEqual(2);
    },
  );

  it("--help prints usage on stdout with exit 0, without reading the environment", async () => {
    for (const args of [["--help"], ["-h"], ["help"], ["list", "--help"], ["summary", "-h"]]) {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^workflows: list and summarize/);
      expect(result.stdout).toContain("WORKFLOWS_API_KEY");
      expect(result.stdout).not.toContain(API_KEY);
      expect(result.stderr).toBe("");
    }
  });

  it("a successful run prints nothing of the key either", async () => {
    const provider = await pool.serve([]);
    for (const format of ["table", "json", "ndjson", "csv"]) {
      const result = await cli(["list", ...ids, "--all", "--format", format], {
        baseUrl: provider.url,
        isTTY: true,
      });
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(API_KEY);
    }
  });
});
