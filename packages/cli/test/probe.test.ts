import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { WorkflowInstance } from "@workflows-kit/client";
import { CHECK_IDS } from "@workflows-kit/conformance";
import { generateInstances } from "@workflows-kit/provider";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROBE_CONTRADICTED_EXIT_CODE } from "../src/commands/probe.js";
import { accountId, definitionId, ids, unknownDefinitionId } from "./support/data.js";
import { API_KEY, cli } from "./support/io.js";
import { closedPortUrl, providerPool } from "./support/providers.js";

const pool = providerPool();
/** Enough for every check: 2 versions, 4 statuses, more than 101 instances of the latest version. */
const instances: WorkflowInstance[] = generateInstances({
  seed: 3,
  accountId,
  definitionId,
  count: 300,
  versions: 2,
});
const serve = (options: { offsetUnit?: "items" } = {}) =>
  pool.serve(instances, { apiKeys: [API_KEY], ...options });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "workflows-probe-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("workflows probe", () => {
  it("against the reference provider: every check confirmed, a table, exit 0", async () => {
    const provider = await serve();
    const { code, stdout, stderr } = await cli(["probe", ...ids], { baseUrl: provider.url });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^verdict\s+check\s+evidence$/);
    for (const id of CHECK_IDS)
      expect(stdout).toMatch(new RegExp(`^confirmed\\s+${id.replaceAll(".", "\\.")}\\s+\\S`, "m"));
    expect(stdout).toMatch(
      /^17 confirmed, 0 contradicted, 0 inconclusive; \d+ requests sent; offset counts pages$/m,
    );
    expect(provider.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("--format json: { checks: [{ id, statement, verdict, evidence }], offsetUnit, requests }", async () => {
    const provider = await serve();
    const { code, stdout } = await cli(["probe", ...ids, "--format", "json"], { baseUrl: provider.url });
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      offsetUnit: "pages",
      requests: provider.requests.length,
      source: "server",
    });
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual([...CHECK_IDS]);
    expect(Object.keys(report.checks[0])).toEqual(["id", "statement", "verdict", "evidence"]);
    expect(report.checks[0].evidence.requests[0]).toMatchObject({ method: "GET", status: 200 });
  });

  it(`a contradiction: exit ${PROBE_CONTRADICTED_EXIT_CODE}, named in the table, a JUnit failure`, async () => {
    const provider = await serve({ offsetUnit: "items" });
    const junit = path.join(dir, "probe.xml");
    const { code, stdout } = await cli(["probe", ...ids, "--junit", junit], { baseUrl: provider.url });
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
    const provider = await serve();
    const junit = path.join(dir, "probe.xml");
    const { code, stdout } = await cli(
      ["probe", ...ids, "--base-url", provider.url, "--max-requests", "3", "--junit", junit],
      { baseUrl: await closedPortUrl() },
    );
    expect(code).toBe(0);
    expect(provider.requests).toHaveLength(3);
    expect(stdout).toMatch(
      /^inconclusive\s+error\.bad-key\s+not run: the probe's budget of 3 requests ran out$/m,
    );
    expect(stdout).toContain("The probe ended early: the probe's budget of 3 requests ran out.");
    expect(await readFile(junit, "utf8")).toMatch(
      /<skipped message="not run: the probe's budget of 3 requests ran out"\/>/,
    );
  });

  it("--har checks recorded traffic without a key or a request; --save-har wrote it", async () => {
    const provider = await serve();
    const har = path.join(dir, "probe.har");
    expect((await cli(["probe", ...ids, "--save-har", har], { baseUrl: provider.url })).code).toBe(0);
    const sent = provider.requests.length;
    const { code, stdout, stderr } = await cli(["probe", "--har", har, "--format", "json"], {
      env: { WORKFLOWS_API_KEY: undefined },
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(provider.requests).toHaveLength(sent);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ source: "har", requests: sent, ignored: 0 });
    expect(report.checks.filter((c: { verdict: string }) => c.verdict === "contradicted")).toEqual([]);
  });

  it("never prints or stores the key: stdout, stderr, JSON, JUnit and the saved HAR", async () => {
    const provider = await serve({ offsetUnit: "items" });
    const [junit, har] = [path.join(dir, "probe.xml"), path.join(dir, "probe.har")];
    const outputs: string[] = [];
    for (const format of ["table", "json"]) {
      const result = await cli(["probe", ...ids, "--format", format, "--junit", junit, "--save-har", har], {
        baseUrl: provider.url,
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
    const provider = await serve();
    const result = await cli(args as string[], {
      baseUrl: provider.url,
      env: env as Record<string, undefined>,
    });
    expect(result.stderr).toMatch(message as RegExp);
    expect(result.code).toBe(exit);
    expect(result.stdout).toBe("");
  });

  it("--har with a file that is not HAR: exit 2, naming the file and the problem", async () => {
    const file = path.join(dir, "not.har");
    await writeFile(file, JSON.stringify({ hello: "world" }));
    const result = await cli(["probe", "--har", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `workflows: --har: ${file}: not a HAR document: log.entries is missing\nRun 'workflows --help' for usage.\n`,
    );
  });

  it("--help documents the probe and its exit code", async () => {
    const { code, stdout } = await cli(["probe", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("workflows probe   --har FILE");
    expect(stdout).toContain(`${PROBE_CONTRADICTED_EXIT_CODE} probe: the server contradicts the spec`);
  });
});
