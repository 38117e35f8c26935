import { PaginationError, type WorkflowInstance } from "@workflows-kit/client";
import {
  createObservedFetch,
  errorBody,
  type FetchHandler,
  hang,
  json,
  networkError,
  text,
} from "@workflows-kit/testing";
import { describe, expect, it } from "vitest";
import { ExitCode, toFailure } from "../src/index.js";
import { definitionId, generated, ids, unknownDefinitionId } from "./support/data.js";
import { API_KEY, cli } from "./support/io.js";
import { MEMORY_URL, provider } from "./support/providers.js";

/** Fast failure for the network cases: one retry. */
const quick = { WORKFLOWS_MAX_RETRIES: "1", WORKFLOWS_TIMEOUT_MS: "200" };
const noRetries = { WORKFLOWS_MAX_RETRIES: "0" };
const ERROR_ID = errorBody(0, "").errorId;

/** Every request answered by `handler`. */
const answering = (handler: FetchHandler) => () => createObservedFetch(handler).fetch;
const answer = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  answering(() => json(errorBody(code, message), status, headers));

interface Case {
  name: string;
  args: string[];
  exit: number;
  stderr: RegExp;
  /** What answers; default: the reference provider with no instances. */
  fetch?: () => typeof globalThis.fetch;
  baseUrl?: string;
  env?: Record<string, string | undefined>;
  /** The requests sent (checked when given). */
  requests?: number;
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
    stderr: /--from must not be after --to/,
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
    name: "--offset-unit without --all",
    args: ["list", ...ids, "--offset-unit", "items", "--offset", "2"],
    exit: 2,
    stderr: /^workflows: --offset-unit needs --all \(one page sends --offset as typed\)\n/,
    requests: 0,
  },
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
    fetch: () => provider([], { apiKeys: ["k"] }).fetch,
    exit: 3,
    stderr:
      /^workflows: authentication failed: the server rejected WORKFLOWS_API_KEY \(401, code 1200, errorId [0-9a-f-]{36}; GET http:\/\/workflows\.test\/api\/v1\/accounts\/acme\/definitions\/5870442f-3ddd-4657-b74c-6e17308f5230\/workflows\)\n$/,
  },
  {
    name: "a forbidden account (403)",
    args: ["list", ...ids],
    fetch: answer(403, 1201, "Forbidden."),
    exit: 3,
    stderr: new RegExp(
      `permission denied: the API key may not read account "acme" \\(403, code 1201, errorId ${ERROR_ID};`,
    ),
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
    fetch: answer(400, 1000, "Invalid definition id."),
    exit: 2,
    stderr: /the server rejected a parameter: Invalid definition id\. \(400, code 1000/,
  },
  {
    name: "an unreachable server",
    args: ["list", ...ids],
    fetch: answering(() => networkError("ECONNREFUSED")),
    env: quick,
    exit: 5,
    stderr:
      /^workflows: cannot reach the server on all 2 attempts: GET http:\/\/workflows\.test\/api.*ECONNREFUSED/,
    requests: 2,
  },
  {
    name: "an unreachable server, retries off",
    args: ["list", ...ids],
    fetch: answering(() => networkError("ECONNREFUSED")),
    env: noRetries,
    exit: 5,
    stderr: /^workflows: cannot reach the server on the only attempt \(WORKFLOWS_MAX_RETRIES=0\): GET http/,
    requests: 1,
  },
  {
    name: "a server that never answers",
    args: ["list", ...ids, "--all"],
    fetch: answering(hang),
    env: quick,
    exit: 5,
    stderr:
      /^workflows: timed out: no answer within 200 ms \(WORKFLOWS_TIMEOUT_MS\) on all 2 attempts; GET http:\/\/workflows\.test\/api\/v1\/accounts\/acme\/definitions\/5870442f-3ddd-4657-b74c-6e17308f5230\/workflows\?limit=100&offset=0\n$/,
    requests: 2,
  },
  {
    name: "a server that never answers, retries off",
    args: ["list", ...ids],
    fetch: answering(hang),
    env: { ...quick, ...noRetries },
    exit: 5,
    stderr:
      /^workflows: timed out: no answer within 200 ms \(WORKFLOWS_TIMEOUT_MS\) on the only attempt \(WORKFLOWS_MAX_RETRIES=0\); GET http/,
    requests: 1,
  },
  {
    name: "503 after retries",
    args: ["list", ...ids],
    fetch: answering(() => text("<html>down</html>", 503)),
    env: quick,
    exit: 5,
    stderr: /^workflows: the server failed on all 2 attempts \(503; GET http:\/\/workflows\.test\/api/,
    requests: 2,
  },
  {
    name: "503, retries off",
    args: ["list", ...ids],
    fetch: answering(() => text("<html>down</html>", 503)),
    env: noRetries,
    exit: 5,
    stderr: /^workflows: the server failed on the only attempt \(WORKFLOWS_MAX_RETRIES=0\) \(503; GET/,
    requests: 1,
  },
  {
    name: "429 after retries",
    args: ["summary", ...ids],
    fetch: answer(429, 1, "Slow down.", { "retry-after": "0" }),
    env: quick,
    exit: 5,
    stderr: /^workflows: rate limited by the server on all 2 attempts; it asks to wait 0 s \(429, code 1,/,
    requests: 2,
  },
  {
    name: "429, retries off",
    args: ["summary", ...ids],
    fetch: answer(429, 1100, "Too many requests.", { "retry-after": "1" }),
    env: noRetries,
    exit: 5,
    stderr:
      /^workflows: rate limited by the server on the only attempt \(WORKFLOWS_MAX_RETRIES=0\); it asks to wait 1 s \(429, code 1100,/,
    requests: 1,
  },
  {
    name: "429 asking for longer than the client waits (Retry-After: 120)",
    args: ["list", ...ids],
    fetch: answer(429, 1100, "Too many requests.", { "retry-after": "120" }),
    exit: 5,
    stderr:
      /^workflows: rate limited by the server: it asks to wait 120 s, longer than workflows waits, so it did not retry; try again later \(429, code 1100,/,
    requests: 1,
  },
  {
    name: "another API error (418)",
    args: ["list", ...ids],
    fetch: answer(418, 7, "Teapot."),
    exit: 1,
    stderr: /^workflows: unexpected answer: GET http.* failed with 418/,
  },
  {
    name: "a 200 that is not the API's JSON",
    args: ["list", ...ids],
    fetch: answering(() => text("<html>login</html>")),
    exit: 1,
    stderr:
      /^workflows: unexpected error: InvalidResponseError: GET http.* answered 200 with a body that is not JSON/,
  },
  {
    name: "a 404 without the API's error body (a proxy's page)",
    args: ["list", ...ids],
    fetch: answering(() => text("<html>Not Found</html>", 404)),
    exit: 4,
    stderr:
      /^workflows: not found: the answer has no API error body, so the request did not reach the workflows API\. Check WORKFLOWS_BASE_URL: it should be the API's root, e\.g\. https:\/\/automation\.8x8\.com \(404; GET http:\/\/workflows\.test\/api\/v1\/accounts\//,
  },
  {
    name: "a base URL with the API's path in it (…/api/v1)",
    args: ["list", ...ids],
    baseUrl: `${MEMORY_URL}/api/v1`,
    exit: 4,
    stderr:
      /^workflows: not found: No route for \/api\/v1\/api\/v1\/accounts\/acme\/definitions\/5870442f-3ddd-4657-b74c-6e17308f5230\/workflows\. Check WORKFLOWS_BASE_URL: it has the path \/api\/v1, but the client adds \/api\/v1\/accounts\/… itself; it should be the API's root, e\.g\. https:\/\/automation\.8x8\.com \(404, code 1300/,
  },
  {
    name: "a 404 whose message has no full stop",
    args: ["list", ...ids],
    fetch: answer(404, 1300, "no such definition"),
    exit: 4,
    stderr: /^workflows: not found: no such definition\. Check --account and --definition \(404, code 1300/,
  },
  {
    name: "a repeated --account",
    args: ["list", ...ids, "--account", "other"],
    exit: 2,
    stderr: /^workflows: --account was given twice \("acme" and "other"\): give it once\n/,
    requests: 0,
  },
  {
    name: "a repeated --format",
    args: ["summary", ...ids, "--format", "json", "--format", "table"],
    exit: 2,
    stderr: /^workflows: --format was given twice \("json" and "table"\): give it once\n/,
  },
  {
    name: "--limit -1 (the value as a separate argument)",
    args: ["list", ...ids, "--limit", "-1"],
    exit: 2,
    stderr: /^workflows: --limit must be an integer from 1 to 500 \(got "-1"\)\n$/,
  },
  {
    name: "--offset -3 (the value as a separate argument)",
    args: ["list", ...ids, "--offset", "-3"],
    exit: 2,
    stderr: /^workflows: --offset must be an integer >= 0 \(got "-3"\)\n$/,
  },
  {
    name: "--max -3 (the value as a separate argument)",
    args: ["list", ...ids, "--all", "--max", "-3"],
    exit: 2,
    stderr: /^workflows: --max must be an integer >= 0 \(got "-3"\)\n$/,
  },
  {
    name: "--from with a lower-case t and z",
    args: ["list", ...ids, "--from", "2026-11-01t00:00:00z"],
    exit: 2,
    stderr:
      /^workflows: --from must write T and Z in upper case: 2026-11-01T00:00:00Z \(got "2026-11-01t00:00:00z"\)\n$/,
    requests: 0,
  },
  {
    name: "--from with an offset beyond ±23:59",
    args: ["list", ...ids, "--from", "2026-11-01T00:00:00+25:00"],
    exit: 2,
    stderr:
      /^workflows: --from must be an ISO 8601 date-time like 2021-06-30T03:20:39\.3857479Z \(got "2026-11-01T00:00:00\+25:00"\)\n$/,
    requests: 0,
  },
  {
    name: "--to on a day that does not exist",
    args: ["summary", ...ids, "--to", "2021-02-30T00:00:00Z"],
    exit: 2,
    stderr:
      /^workflows: --to must be an ISO 8601 date-time like 2021-06-30T03:20:39\.3857479Z \(got "2021-02-30T00:00:00Z"\)\n$/,
  },
  {
    name: "an unknown --offset-unit",
    args: ["list", ...ids, "--all", "--offset-unit", "rows"],
    exit: 2,
    stderr: /^workflows: --offset-unit must be one of pages, items, auto \(got "rows"\)\n/,
  },
  {
    name: "an unknown WORKFLOWS_OFFSET_UNIT",
    args: ["summary", ...ids],
    env: { WORKFLOWS_OFFSET_UNIT: "rows" },
    exit: 2,
    stderr: /^workflows: WORKFLOWS_OFFSET_UNIT must be one of pages, items, auto \(got "rows"\)\n/,
  },
  {
    name: "a walk that stops advancing (a server that ignores offset)",
    args: ["list", ...ids, "--all", "--limit", "2"],
    fetch: answering(() => json(generated(2))),
    exit: 1,
    stderr:
      /^workflows: the server ignores offset: the page at offset 1 repeated the first one, so a walk cannot go past it; `workflows probe` tells what the server does\n$/,
    requests: 4,
  },
  {
    name: "a walk that stops advancing with --offset-unit items",
    args: ["list", ...ids, "--all", "--limit", "2", "--offset-unit", "items"],
    fetch: answering(() => json(generated(2))),
    exit: 1,
    stderr:
      /^workflows: the server ignores offset: the page at offset 1 repeated the first one, so a walk cannot go past it; `workflows probe` tells what the server does\n$/,
    requests: 3,
  },
];

describe("exit codes and messages", () => {
  it("names the codes as documented", () => {
    expect(ExitCode).toEqual({
      Ok: 0,
      Unexpected: 1,
      Usage: 2,
      Auth: 3,
      NotFound: 4,
      Unavailable: 5,
      Contradicted: 6,
      Interrupted: 130,
    });
  });

  it.each(cases)(
    "$exit for $name; the key is never printed",
    async ({ args, exit, stderr, fetch, baseUrl, env, requests }) => {
      const sent: Request[] = [];
      const answer = fetch ? fetch() : provider([]).fetch;
      const recording: typeof globalThis.fetch = (input, init) => {
        sent.push(new Request(input, init));
        return answer(input, init);
      };
      const result = await cli(args, {
        fetch: recording,
        ...(baseUrl ? { baseUrl } : {}),
        ...(env ? { env } : {}),
      });
      expect(result.stderr).toMatch(stderr);
      expect(result.code).toBe(exit);
      expect(result.stdout).toBe("");
      expect(result.stderr).not.toContain(API_KEY);
      expect(result.stderr.split("\n").filter(Boolean).length).toBeLessThanOrEqual(2);
      if (requests !== undefined) expect(sent).toHaveLength(requests);
    },
  );

  it.each([
    [
      { problem: "unit-mismatch", observedUnit: "items", assumedUnit: "pages" },
      "the server counts offset in items, not pages: set --offset-unit items (or auto) or WORKFLOWS_OFFSET_UNIT=items; `workflows probe` tells what the server does",
    ],
    [
      { problem: "unit-mismatch", observedUnit: "pages", assumedUnit: "items" },
      "the server counts offset in pages, not items: set --offset-unit pages (or auto) or WORKFLOWS_OFFSET_UNIT=pages; `workflows probe` tells what the server does",
    ],
    [
      { problem: "inconsistent", observedUnit: undefined, assumedUnit: "auto" },
      "the server's pages fit neither offset unit (items or pages) (the page at offset 1, limit 10); `workflows probe` tells what the server does",
    ],
    [
      { problem: "no-progress", observedUnit: undefined, assumedUnit: "pages" },
      "the walk stopped advancing: (the page at offset 1, limit 10) held nothing new; `workflows probe` tells what the server does",
    ],
  ] as const)(
    "a PaginationError (%o) names what the server does and the setting that fixes it",
    (init, message) => {
      const error = new PaginationError({ offset: 1, limit: 10, ...init });
      expect(toFailure(error, {})).toEqual({ exitCode: ExitCode.Unexpected, message });
    },
  );

  it("--help prints usage on stdout with exit 0, without reading the environment", async () => {
    for (const args of [["--help"], ["-h"], ["help"], ["list", "--help"], ["summary", "-h"]]) {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^workflows: list and summarize/);
      expect(result.stdout).toContain("WORKFLOWS_API_KEY");
      expect(result.stdout).toContain("WORKFLOWS_OFFSET_UNIT");
      expect(result.stdout).toMatch(/^ {2}130 interrupted \(Ctrl-C\)$/m);
      expect(result.stdout).toContain("workflows --version | -V");
      expect(result.stdout).not.toContain(API_KEY);
      expect(result.stderr).toBe("");
    }
  });

  it("--version and -V print the package's version; after a command --version is still the filter", async () => {
    const { version } = (await import("../package.json", { with: { type: "json" } })).default;
    for (const args of [["--version"], ["-V"]]) {
      expect(await cli(args, { env: { WORKFLOWS_API_KEY: undefined } })).toEqual({
        code: 0,
        stdout: `${version}\n`,
        stderr: "",
      });
    }
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const missing = await cli(["list", ...ids, "--version"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^workflows: Option '--version <value>' argument missing/);
  });

  it("a successful run prints nothing of the key either", async () => {
    const served = provider([]);
    for (const format of ["table", "json", "ndjson", "csv"]) {
      const result = await cli(["list", ...ids, "--all", "--format", format], {
        fetch: served.fetch,
        isTTY: true,
      });
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(API_KEY);
    }
  });
});

describe("interrupted (Ctrl-C: the run's signal)", () => {
  const page = (offset: number) => generated(30).slice(offset * 10, offset * 10 + 10);

  it.each([
    ["table", ""],
    ["ndjson", "the first page"],
  ])(
    "list --all --format %s mid-walk: the request in flight is aborted, exit 130, stdout has %s",
    async (format) => {
      const interrupt = new AbortController();
      // The first page answers; the second never does, and the interrupt comes once it was sent.
      const observed = createObservedFetch((_request, index) => (index === 0 ? json(page(0)) : hang()));
      void observed.received(1).then(() => interrupt.abort());
      const result = await cli(["list", ...ids, "--all", "--limit", "10", "--format", format], {
        fetch: observed.fetch,
        signal: interrupt.signal,
      });
      expect(result).toEqual({
        code: 130,
        stdout:
          format === "ndjson"
            ? page(0)
                .map((i: WorkflowInstance) => `${JSON.stringify(i)}\n`)
                .join("")
            : "",
        stderr: "workflows: interrupted\n",
      });
      expect(observed.requests).toHaveLength(2);
      expect(observed.requests[1]?.signal.aborted).toBe(true);
    },
  );

  it("probe: the request in flight is aborted, exit 130", async () => {
    const interrupt = new AbortController();
    const observed = createObservedFetch(() => hang());
    void observed.received(0).then(() => interrupt.abort());
    const result = await cli(["probe", ...ids], {
      fetch: observed.fetch,
      signal: interrupt.signal,
      drive: false,
    });
    expect(result).toEqual({ code: 130, stdout: "", stderr: "workflows: interrupted\n" });
  });
});

describe("the offset unit (--offset-unit, WORKFLOWS_OFFSET_UNIT)", () => {
  const instances = generated(25);
  const offsets = (served: { requests: readonly { url: string }[] }) =>
    served.requests.map((r) => new URL(r.url, MEMORY_URL).searchParams.get("offset"));
  const walk = async (served: ReturnType<typeof provider>, flags: string[], env = {}) => {
    const result = await cli(["list", ...ids, "--all", "--limit", "10", "--format", "ndjson", ...flags], {
      fetch: served.fetch,
      env,
    });
    expect(result.stderr).toBe("");
    expect(
      result.stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line).workflowId),
    ).toEqual(instances.map((i) => i.workflowId));
    return offsets(served);
  };

  // With items assumed, the walk checks the unit once (the page at offset 1), then walks the list
  // strictly older than page 1's newest instance from the 9 older ones it holds.
  it("--offset-unit items walks a server that counts items", async () => {
    expect(await walk(provider(instances, { offsetUnit: "items" }), ["--offset-unit", "items"])).toEqual([
      "0",
      "1",
      "9",
      "19",
    ]);
  });

  it("WORKFLOWS_OFFSET_UNIT stays a general setting: one page with it sends --offset as typed", async () => {
    const served = provider(instances);
    const result = await cli(["list", ...ids, "--limit", "10", "--offset", "2", "--format", "ndjson"], {
      fetch: served.fetch,
      env: { WORKFLOWS_OFFSET_UNIT: "items" },
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(offsets(served)).toEqual(["2"]);
  });

  it("WORKFLOWS_OFFSET_UNIT=items does too; the flag wins over it", async () => {
    const items = { WORKFLOWS_OFFSET_UNIT: "items" };
    expect(await walk(provider(instances, { offsetUnit: "items" }), [], items)).toEqual([
      "0",
      "1",
      "9",
      "19",
    ]);
    expect(await walk(provider(instances), ["--offset-unit", "pages"], items)).toEqual(["0", "1", "2"]);
  });

  it.each([
    ["--offset-unit auto", ["--offset-unit", "auto"], {}],
    ["WORKFLOWS_OFFSET_UNIT=auto", [], { WORKFLOWS_OFFSET_UNIT: "auto" }],
  ])("%s walks a server that counts items, and one that counts pages", async (_name, flags, env) => {
    // The client settles the unit on the walk's second page (pages assumed first).
    expect(await walk(provider(instances, { offsetUnit: "items" }), flags, env)).toEqual([
      "0",
      "1",
      "0",
      "1",
      "9",
      "19",
    ]);
    expect(await walk(provider(instances), flags, env)).toEqual(["0", "1", "2"]);
  });
});
