import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { WorkflowInstance } from "@workflows-kit/client";
import { CHECK_IDS } from "@workflows-kit/conformance";
import { generateInstances } from "@workflows-kit/provider";
import { createVirtualClock, networkError } from "@workflows-kit/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExitCode } from "../src/index.js";
import { accountId, definitionId, ids, unknownDefinitionId } from "./support/data.js";
import { API_KEY, type CliOptions, cli } from "./support/io.js";
import { provider } from "./support/providers.js";

const PROBE_CONTRADICTED_EXIT_CODE = ExitCode.Contradicted;
/** Enough for every check: 2 versions, 4 statuses, more than 101 instances of the latest version. */
const instances: WorkflowInstance[] = generateInstances({
  seed: 3,
  accountId,
  definitionId,
  count: 300,
  versions: 2,
});
const serve = (options: { offsetUnit?: "items" } = {}) =>
  provider(instances, { apiKeys: [API_KEY], ...options });
/** The probe's own clients keep the system's timers (set and cleared per request): no clock to drive. */
const probe = (args: string[], options: CliOptions = {}) => cli(args, { drive: false, ...options });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "workflows-probe-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("workflows probe", () => {
  it("against the reference provider: every check confirmed, a table, exit 0", async () => {
    const served = serve();
    const { code, stdout, stderr } = await probe(["probe", ...ids], { fetch: served.fetch });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^verdict\s+check\s+evidence$/);
    for (const id of CHECK_IDS)
      expect(stdout).toMatch(new RegExp(`^confirmed\\s+${id.replaceAll(".", "\\.")}\\s+\\S`, "m"));
    expect(stdout).toMatch(
      /^17 confirmed, 0 contradicted, 0 inconclusive; \d+ requests sent to http:\/\/workflows\.test; offset counts pages$/m,
    );
    expect(served.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("--format json: { checks: [{ id, statement, verdict, evidence }], offsetUnit, requests }", async () => {
    const served = serve();
    const { code, stdout } = await probe(["probe", ...ids, "--format", "json"], { fetch: served.fetch });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      offsetUnit: "pages",
      requests: served.requests.length,
      source: "server",
      server: "http://workflows.test",
    });
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual([...CHECK_IDS]);
    expect(Object.keys(report.checks[0])).toEqual(["id", "statement", "verdict", "evidence"]);
    expect(report.checks[0].evidence.requests[0]).toMatchObject({ method: "GET", status: 200 });
  });

  it(`a contradiction: exit ${PROBE_CONTRADICTED_EXIT_CODE}, named in the table, a JUnit failure`, async () => {
    const served = serve({ offsetUnit: "items" });
    const junit = path.join(dir, "probe.xml");
    const { code, stdout } = await probe(["probe", ...ids, "--junit", junit], { fetch: served.fetch });
    expect(code).toBe(PROBE_CONTRADICTED_EXIT_CODE);
    expect(stdout).toMatch(/^contradicted\s+offset\.unit\s+.*the server counts items, the spec says pages$/m);
    const xml = await readFile(junit, "utf8");
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="workflows probe" tests="17" failures="1" errors="0" skipped="0">/,
    );
    expect(xml).toMatch(
      /<testcase classname="workflows.probe" name="offset.unit">\n {6}<failure type="contradicted" message="limit=10&amp;offset=1 starts at instance #1 /,
    );
  });

  it("--base-url wins over WORKFLOWS_BASE_URL; --max-requests bounds the probe (inconclusive = skipped)", async () => {
    const served = serve();
    const junit = path.join(dir, "probe.xml");
    // Only the flag's host answers; the environment's refuses connections.
    const fetch: typeof globalThis.fetch = (input, init) =>
      new Request(input, init).url.startsWith("http://flag.test/")
        ? served.fetch(input, init)
        : networkError("ECONNREFUSED");
    const { code, stdout } = await probe(
      ["probe", ...ids, "--base-url", "http://flag.test", "--max-requests", "3", "--junit", junit],
      { fetch, baseUrl: "http://environment.test" },
    );
    expect(code).toBe(0);
    expect(served.requests).toHaveLength(3);
    expect(stdout).toMatch(
      /^inconclusive\s+error\.bad-key\s+not run: the probe's budget of 3 requests ran out$/m,
    );
    expect(stdout).toContain("The probe ended early: the probe's budget of 3 requests ran out.");
    expect(await readFile(junit, "utf8")).toMatch(
      /<skipped message="not run: the probe's budget of 3 requests ran out"\/>/,
    );
  });

  it("--har checks recorded traffic without a key or a request; --save-har wrote it", async () => {
    const served = serve();
    const har = path.join(dir, "probe.har");
    expect((await probe(["probe", ...ids, "--save-har", har], { fetch: served.fetch })).code).toBe(0);
    const sent = served.requests.length;
    const { code, stdout, stderr } = await probe(["probe", "--har", har, "--format", "json"], {
      fetch: served.fetch,
      env: { WORKFLOWS_API_KEY: undefined },
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(served.requests).toHaveLength(sent);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ source: "har", requests: sent, ignored: 0 });
    expect(report.checks.filter((c: { verdict: string }) => c.verdict === "contradicted")).toEqual([]);
  });

  it("never prints or stores the key: stdout, stderr, JSON, JUnit and the saved HAR", async () => {
    const served = serve({ offsetUnit: "items" });
    const [junit, har] = [path.join(dir, "probe.xml"), path.join(dir, "probe.har")];
    const outputs: string[] = [];
    for (const format of ["table", "json"]) {
      const result = await probe(["probe", ...ids, "--format", format, "--junit", junit, "--save-har", har], {
        fetch: served.fetch,
      });
      expect(result.code).toBe(PROBE_CONTRADICTED_EXIT_CODE);
      outputs.push(result.stdout, result.stderr, await readFile(junit, "utf8"), await readFile(har, "utf8"));
    }
    for (const text of outputs) expect(text).not.toContain(API_KEY);
    expect(outputs[3]).toContain('"entries"');
  });

  it.each([
    [
      "no key",
      ["probe", ...ids],
      { WORKFLOWS_API_KEY: undefined },
      3,
      /^workflows: WORKFLOWS_API_KEY is not set/,
    ],
    ["no --account", ["probe", "--definition", definitionId], {}, 2, /^workflows: --account /],
    [
      "a bad --max-requests",
      ["probe", ...ids, "--max-requests", "0"],
      {},
      2,
      /--max-requests must be an integer >= 1 \(got "0"\)/,
    ],
    [
      "a bad --base-url",
      ["probe", ...ids, "--base-url", "ftp://x"],
      {},
      2,
      /^workflows: --base-url must be an absolute http\(s\) URL/,
    ],
    [
      "an unreadable --har",
      ["probe", "--har", "/nonexistent/x.har"],
      {},
      2,
      /^workflows: --har: cannot read \/nonexistent\/x\.har \(ENOENT\)/,
    ],
    [
      "--har with --save-har",
      ["probe", "--har", "a.har", "--save-har", "b.har"],
      {},
      2,
      /--save-har records the probe's requests/,
    ],
    [
      "a bad --format",
      ["probe", ...ids, "--format", "csv"],
      {},
      2,
      /--format must be one of table, json \(got "csv"\)/,
    ],
    [
      "an unknown definition",
      ["probe", "--account", accountId, "--definition", unknownDefinitionId],
      {},
      4,
      /^workflows: not found: /,
    ],
  ])("%s: exit %i, one line on stderr", async (_name, args, env, exit, message) => {
    const served = serve();
    const result = await probe(args as string[], {
      fetch: served.fetch,
      env: env as Record<string, undefined>,
    });
    expect(result.stderr).toMatch(message as RegExp);
    expect(result.code).toBe(exit);
    expect(result.stdout).toBe("");
  });

  it("a 429 is waited out on the run's clock (Retry-After: 2), then the probe goes on", async () => {
    const served = serve();
    served.store.failNext(1, { status: 429, retryAfterSeconds: 2 });
    const clock = createVirtualClock();
    const running = probe(["probe", ...ids], { fetch: served.fetch, clock });
    const wait = await clock.timerSet((timer) => timer.ms === 2_000);
    expect(served.requests).toHaveLength(1);
    await clock.advance(2_000);
    const { code, stderr } = await running;
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(wait.state).toBe("fired");
    expect(served.requests.length).toBeGreaterThan(2);
  });

  it("a --base-url with the API's path in it: the 404 names --base-url, not the ids", async () => {
    const served = serve();
    const result = await probe(["probe", ...ids, "--base-url", "http://workflows.test/api/v1"], {
      fetch: served.fetch,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /^workflows: not found: No route for \/api\/v1\/api\/v1\/accounts\/.*\. Check --base-url: it has the path \/api\/v1, but the client adds/,
    );
    expect(result.stderr).not.toContain("--account");
  });

  it("--har with a file that is not HAR: exit 2, naming the file and the problem", async () => {
    const file = path.join(dir, "not.har");
    await writeFile(file, JSON.stringify({ hello: "world" }));
    const result = await probe(["probe", "--har", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `workflows: --har: ${file}: not a HAR document: log.entries is missing\nRun 'workflows --help' for usage.\n`,
    );
  });

  it("--help documents the probe and its exit code", async () => {
    const { code, stdout } = await probe(["probe", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("workflows probe   --har FILE");
    expect(stdout).toContain(`${PROBE_CONTRADICTED_EXIT_CODE} probe: the server contradicts the spec`);
  });
});
