// The command line as turbo calls it: `node dist/cli.js diff|gate ...args`, with the "--" that
// pnpm and turbo may put in front of forwarded arguments.
import { readFileSync } from "node:fs";
import path from "node:path";
import { warmUp } from "@workflows-kit/contract-check";
import { loadSpec } from "@workflows-kit/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpecChange } from "../src/classify.js";
import { main } from "../src/cli.js";
import type { DiffReport } from "../src/commands.js";
import { formatChanges } from "../src/report.js";
import { writePacts } from "./pacts.js";
import { BREAKING_EDITS, cleanUp, Repo, SPEC, SPEC_TEXT } from "./repo.js";

afterAll(cleanUp);

function repoWithHistory(): Repo {
  const repo = Repo.init().write(SPEC, SPEC_TEXT).commit("spec");
  return repo.editSpec(...BREAKING_EDITS).commit("breaking");
}

describe("spec-diff diff", () => {
  it("lists the changes since --base as a readable list", async () => {
    const result = await main(["diff", "--", "--base", "HEAD~1"], repoWithHistory().dir, {});
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain(`${SPEC}: HEAD~1 (`);
    expect(result.out).toContain("4 changes: 2 breaking, 2 non-breaking");
    expect(result.out).toMatch(
      /BREAKING {4}\s+enum-value-added\s+response 200 \(application\/json\) body\[\]\.status/,
    );
    expect(result.out).toMatch(/non-breaking\s+enum-value-added\s+query parameter status/);
    expect(result.out).toMatch(/non-breaking\s+status-added\s+response 410/);
  });

  it("prints JSON with --json, and writes it with --out", async () => {
    const repo = repoWithHistory();
    const result = await main(["diff", "--base", "HEAD~1", "--json"], repo.dir, {});
    const report = JSON.parse(result.out) as DiffReport;
    expect(report.breaking).toBe(2);
    expect(report.nonBreaking).toBe(2);
    expect(report.base.ref).toBe("HEAD~1");
    expect(report.changes.map((c) => [c.kind, c.breaking])).toContainEqual(["status-removed", true]);

    const written = await main(["diff", "--base", "HEAD~1", "--json", "--out", "changes.json"], repo.dir, {});
    expect(written.out).toContain("report written to");
    expect(JSON.parse(readFileSync(path.join(repo.dir, "changes.json"), "utf8"))).toEqual(report);
  });

  it("defaults to the gate's base: the last release tag, else the merge-base with origin/main, else HEAD~1", async () => {
    const repo = repoWithHistory();
    const parent = repo.git("rev-parse", "--short=7", "HEAD~1");
    expect((await main(["diff"], repo.dir, {})).out).toContain(`HEAD~1 (${parent}, previous commit`);
    repo.git("tag", "v1.0.0", "HEAD~1");
    expect((await main(["diff"], repo.dir, {})).out).toContain(`v1.0.0 (${parent}, last release tag)`);
    expect((await main(["diff"], repo.dir, { SPEC_BASE: "HEAD" })).out).toContain(
      "no client-visible changes",
    );
  });

  it("agrees with the gate after a local commit on main: same base, printed by both", async () => {
    // A clone of main, then a local commit that removes an enum value (not pushed): the diff used to
    // compare with the local main (no changes) while the gate used origin/main (1 breaking change).
    const clone = Repo.init().write(SPEC, SPEC_TEXT).commit("spec").clone();
    clone.editSpec([
      "enum: [Runnable, Suspended, Complete, Terminated]",
      "enum: [Runnable, Suspended, Complete]",
    ]);
    clone.commit("no more Terminated");
    const mergeBase = clone.git("rev-parse", "--short=7", "origin/main");
    const diff = await main(["diff"], clone.dir, {});
    const gate = await main(["gate"], clone.dir, {});
    const base = `merge-base with origin/main (${mergeBase}, merge-base`;
    expect(diff.out).toContain(base);
    expect(diff.out).toContain("2 changes: 1 breaking, 1 non-breaking");
    expect(gate.exitCode).toBe(1);
    expect(gate.err).toContain(base);
    expect(gate.err).toContain("FAILED: 1 breaking change");
  });

  it("says so when the ref has no spec", async () => {
    const repo = Repo.init().write("README.md", "hi\n").commit("first");
    repo.write(SPEC, SPEC_TEXT).commit("spec");
    const result = await main(["diff", "--base", "HEAD~1"], repo.dir, {});
    expect(result.exitCode).toBe(2);
    expect(result.err).toContain(`${SPEC} does not exist at HEAD~1`);
  });

  it("rejects a ref that names nothing, and unknown options", async () => {
    const repo = repoWithHistory();
    expect(await main(["diff", "--base", "nope"], repo.dir, {})).toMatchObject({ exitCode: 2 });
    expect((await main(["diff", "--base", "nope"], repo.dir, {})).err).toContain(
      "--base=nope does not name a commit",
    );
    expect((await main(["diff", "--bogus"], repo.dir, {})).exitCode).toBe(2);
    expect((await main([], repo.dir, {})).exitCode).toBe(2);
  });
});

describe("spec-diff with consumers", () => {
  const RENAME: [string, string][] = [
    [
      "required: [workflowId, data, definitionId, version, status, startedAt,",
      "required: [workflowId, data, definitionId, version, status, startTime,",
    ],
    ["        startedAt:\n          $ref", "        startTime:\n          $ref"],
  ];
  // One repository for both cases: the gate re-uses the checks the diff made (same spec, same pacts).
  let repo: Repo;
  beforeAll(async () => {
    repo = Repo.init().write(SPEC, SPEC_TEXT).commit("spec");
    writePacts(repo.dir, "cli"); // one pact: each check costs ≈0.5 s (test/consumers.test.ts has both)
    repo.editSpec(...RENAME);
    await warmUp({ document: loadSpec() }); // the validators' costlier first run
  });

  it("diff names the consumers and interactions each breaking change breaks, in JSON and text", async () => {
    const json = JSON.parse(
      (await main(["diff", "--base", "HEAD", "--json"], repo.dir, {})).out,
    ) as DiffReport;
    expect(json.consumers.pacts).toEqual(["packages/cli/pacts/workflows-cli-workflows-api.json"]);
    const renamed = json.changes.find((c) => c.kind === "field-renamed");
    expect(renamed?.breaks?.map((b) => [b.consumer, b.interactions.map((i) => i.number)])).toEqual([
      ["workflows-cli", [1, 2]],
    ]);

    const text = formatChanges(json.changes);
    expect(text).toMatch(
      /BREAKING\s+field-renamed\s+response 200 \(application\/json\) body\[\]\.startedAt\n.*renamed to startTime.*\n\s+→ breaks workflows-cli #1–2$/,
    );
    const server = { ...json.changes[0], kind: "server-default-changed", breaks: [] } as SpecChange;
    expect(formatChanges([server])).toMatch(/\n\s+→ no consumer pins it$/);
  });

  it("the gate's message names them too", async () => {
    const gate = await main(["gate", "--base", "HEAD"], repo.dir, {});
    expect(gate.exitCode).toBe(1);
    expect(gate.err).toMatch(/body\[\]\.startedAt \[field-renamed\]: .* → breaks workflows-cli #1–2\n/);
    expect(gate.err).toContain("Consumers: each breaking change checked alone against packages/cli/pacts/");
  });
});

describe("spec-diff gate", () => {
  it("reads SPEC_BASE from the environment and --base from the arguments", async () => {
    const repo = repoWithHistory();
    expect((await main(["gate"], repo.dir, {})).exitCode).toBe(1);
    expect((await main(["gate"], repo.dir, { SPEC_BASE: "HEAD" })).exitCode).toBe(0);
    expect((await main(["gate", "--", "--base", "HEAD"], repo.dir, {})).exitCode).toBe(0);
  });
});
