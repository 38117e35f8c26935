// The command line as turbo calls it: `node dist/cli.js diff|gate ...args`, with the "--" that
// pnpm and turbo may put in front of forwarded arguments.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import type { DiffReport } from "../src/commands.js";
import { BREAKING_EDITS, cleanUp, Repo, SPEC, SPEC_TEXT } from "./repo.js";

afterAll(cleanUp);

function repoWithHistory(): Repo {
  const repo = Repo.init().write(SPEC, SPEC_TEXT).commit("spec");
  return repo.editSpec(...BREAKING_EDITS).commit("breaking");
}

describe("spec-diff diff", () => {
  it("lists the changes since --base as a readable list", () => {
    const result = main(["diff", "--", "--base", "HEAD~1"], repoWithHistory().dir, {});
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain(`${SPEC}: HEAD~1 (`);
    expect(result.out).toContain("4 changes: 2 breaking, 2 non-breaking");
    expect(result.out).toMatch(
      /BREAKING {4}\s+enum-value-added\s+response 200 \(application\/json\) body\[\]\.status/,
    );
    expect(result.out).toMatch(/non-breaking\s+enum-value-added\s+query parameter status/);
    expect(result.out).toMatch(/non-breaking\s+status-added\s+response 410/);
  });

  it("prints JSON with --json, and writes it with --out", () => {
    const repo = repoWithHistory();
    const result = main(["diff", "--base", "HEAD~1", "--json"], repo.dir, {});
    const report = JSON.parse(result.out) as DiffReport;
    expect(report.breaking).toBe(2);
    expect(report.nonBreaking).toBe(2);
    expect(report.base.ref).toBe("HEAD~1");
    expect(report.changes.map((c) => [c.kind, c.breaking])).toContainEqual(["status-removed", true]);

    const written = main(["diff", "--base", "HEAD~1", "--json", "--out", "changes.json"], repo.dir, {});
    expect(written.out).toContain("report written to");
    expect(JSON.parse(readFileSync(path.join(repo.dir, "changes.json"), "utf8"))).toEqual(report);
  });

  it("defaults to the last release tag, else main", () => {
    const repo = repoWithHistory();
    expect(main(["diff"], repo.dir, {}).out).toContain("main (");
    repo.git("tag", "v1.0.0", "HEAD~1");
    expect(main(["diff"], repo.dir, {}).out).toContain("v1.0.0 (");
  });

  it("says so when the ref has no spec", () => {
    const repo = Repo.init().write("README.md", "hi\n").commit("first");
    repo.write(SPEC, SPEC_TEXT).commit("spec");
    const result = main(["diff", "--base", "HEAD~1"], repo.dir, {});
    expect(result.exitCode).toBe(2);
    expect(result.err).toContain(`${SPEC} does not exist at HEAD~1`);
  });

  it("rejects a ref that names nothing, and unknown options", () => {
    const repo = repoWithHistory();
    expect(main(["diff", "--base", "nope"], repo.dir, {})).toMatchObject({ exitCode: 2 });
    expect(main(["diff", "--base", "nope"], repo.dir, {}).err).toContain(
      "--base nope does not name a commit",
    );
    expect(main(["diff", "--bogus"], repo.dir, {}).exitCode).toBe(2);
    expect(main([], repo.dir, {}).exitCode).toBe(2);
  });
});

describe("spec-diff gate", () => {
  it("reads SPEC_BASE from the environment and --base from the arguments", () => {
    const repo = repoWithHistory();
    expect(main(["gate"], repo.dir, {}).exitCode).toBe(1);
    expect(main(["gate"], repo.dir, { SPEC_BASE: "HEAD" }).exitCode).toBe(0);
    expect(main(["gate", "--", "--base", "HEAD"], repo.dir, {}).exitCode).toBe(0);
  });
});
