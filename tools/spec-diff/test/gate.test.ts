// spec:gate end to end, in throwaway git repositories: base selection, the breaking-change
// check and the changesets that acknowledge it.
import { afterAll, describe, expect, it } from "vitest";
import { runGate } from "../src/commands.js";
import { BREAKING_EDITS, cleanUp, RELAXING_EDIT, Repo, SPEC, SPEC_TEXT } from "./repo.js";

afterAll(cleanUp);

const gate = (repo: Repo, env: Record<string, string> = {}, base?: string) =>
  runGate({ cwd: repo.dir, env, base });

const MAJORS =
  '---\n"@workflows-kit/types": major\n"@workflows-kit/client": major\n---\n\nCancelled status; 404 replaced by 410.\n';

/** main with the spec at HEAD~1 and a breaking edit committed at HEAD. */
function breakingCommit(): Repo {
  const repo = Repo.init().write(SPEC, SPEC_TEXT).commit("spec");
  return repo.editSpec(...BREAKING_EDITS).commit("breaking spec change");
}

describe("spec:gate", () => {
  it("fails on a breaking change without changesets, naming each breaking change", async () => {
    const result = await gate(breakingCommit());
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain("spec:gate: FAILED: 2 breaking changes");
    expect(result.err).toContain("against HEAD~1");
    expect(result.err).toMatch(
      /response 200 \(application\/json\) body\[\]\.status \[enum-value-added\]: enum value "Cancelled" added/,
    );
    expect(result.err).toMatch(/response 404 \[status-removed\]/);
    // the non-breaking halves (request enum, new 410) are not blamed
    expect(result.err).not.toContain("query parameter status");
    expect(result.err).not.toContain("response 410");
    expect(result.err).toContain(
      "@workflows-kit/types (no pending changeset), @workflows-kit/client (no pending changeset)",
    );
  });

  it("passes once a changeset makes both packages major", async () => {
    const repo = breakingCommit().write(".changeset/cancelled-status.md", MAJORS);
    const result = await gate(repo);
    expect(result.err).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain("passed: 2 breaking changes");
    expect(result.out).toContain(".changeset/cancelled-status.md");
  });

  it("accepts the majors spread over several changesets, next to changesets' README", async () => {
    const repo = breakingCommit()
      .write(".changeset/README.md", "# Changesets\n\nHello.\n")
      .write(".changeset/types.md", '---\n"@workflows-kit/types": major\n---\n\nTypes.\n')
      .write(
        ".changeset/client.md",
        "---\n'@workflows-kit/client': major\n'@workflows-kit/cli': patch\n---\n\nClient.\n",
      );
    expect((await gate(repo)).exitCode).toBe(0);
  });

  it("fails with a minor changeset, saying which package is short", async () => {
    const repo = breakingCommit().write(
      ".changeset/x.md",
      '---\n"@workflows-kit/types": major\n"@workflows-kit/client": minor\n---\n\nOops.\n',
    );
    const result = await gate(repo);
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain(
      "missing for @workflows-kit/client (highest pending bump: minor in .changeset/x.md)",
    );
    expect(result.err).not.toContain("missing for @workflows-kit/types");
  });

  it("fails when only one of the two packages is major, and reports unreadable changesets", async () => {
    const repo = breakingCommit()
      .write(".changeset/types.md", '---\n"@workflows-kit/types": major\n---\n\nTypes.\n')
      .write(".changeset/broken.md", '---\n"@workflows-kit/client": huge\n---\n');
    const result = await gate(repo);
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain("missing for @workflows-kit/client (no pending changeset)");
    expect(result.err).toContain(
      'broken.md: "@workflows-kit/client": "huge" is not one of none, patch, minor, major',
    );
  });

  it("sees an uncommitted breaking edit too (the working tree against the base)", async () => {
    const repo = Repo.init().write(SPEC, SPEC_TEXT).commit("spec").commit("unrelated");
    repo.editSpec(...BREAKING_EDITS);
    expect((await gate(repo)).exitCode).toBe(1);
  });

  it("passes a non-breaking change without any changeset", async () => {
    const repo = Repo.init().write(SPEC, SPEC_TEXT).commit("spec");
    repo.editSpec(RELAXING_EDIT).commit("bigger pages");
    const result = await gate(repo);
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain("1 change: 0 breaking, 1 non-breaking");
  });
});

describe("spec:gate base", () => {
  it("skips, saying why, with a single commit and no remote", async () => {
    const repo = Repo.init().write(SPEC, SPEC_TEXT).commit("spec");
    const result = await gate(repo);
    expect(result.exitCode).toBe(0);
    expect(result.out).toMatch(
      /skipped, no base .*no release tag.*no origin\/main.*HEAD has no parent.*SPEC_BASE/,
    );
  });

  it("passes on a fresh clone of main: the merge-base with origin/main is HEAD itself", async () => {
    const clone = breakingCommit().clone();
    const result = await gate(clone);
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain("against merge-base with origin/main");
    expect(result.out).toContain("no client-visible changes");
  });

  it("passes on a depth-1 clone of main too", async () => {
    const clone = breakingCommit().clone("--depth", "1");
    expect(clone.git("rev-parse", "--is-shallow-repository")).toBe("true");
    const result = await gate(clone);
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain("no client-visible changes");
  });

  it("on a branch of a clone, compares with where it left origin/main", async () => {
    const clone = Repo.init().write(SPEC, SPEC_TEXT).commit("spec").commit("more").clone();
    clone.git("checkout", "-q", "-b", "feature");
    clone
      .editSpec(...BREAKING_EDITS)
      .commit("breaking")
      .commit("follow-up");
    const result = await gate(clone);
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain("against merge-base with origin/main");
  });

  it("prefers the last release tag, @workflows-kit/types@X.Y.Z or v*", async () => {
    const repo = breakingCommit();
    repo.git("tag", "@workflows-kit/types@2.0.0");
    const released = await gate(repo);
    expect(released.exitCode).toBe(0);
    expect(released.out).toContain("against @workflows-kit/types@2.0.0");

    repo.editSpec(["maximum: 500", "maximum: 100"]).commit("smaller pages").commit("docs");
    const after = await gate(repo);
    expect(after.exitCode).toBe(1);
    expect(after.err).toContain("against @workflows-kit/types@2.0.0");
    expect(after.err).toContain("query parameter limit [constraint-tightened]: maximum 500 → 100");

    repo.git("tag", "v2.1.0");
    expect((await gate(repo)).out).toContain("against v2.1.0");
  });

  it("takes SPEC_BASE (and --base) over everything else", async () => {
    const repo = breakingCommit();
    const head = await gate(repo, { SPEC_BASE: "HEAD" });
    expect(head.exitCode).toBe(0);
    expect(head.out).toContain("against HEAD (");
    expect(head.out).toContain("SPEC_BASE");
    expect((await gate(repo, { SPEC_BASE: "HEAD" }, "HEAD~1")).exitCode).toBe(1);
  });

  it("errors on a SPEC_BASE that names nothing", async () => {
    const result = await gate(breakingCommit(), { SPEC_BASE: "no-such-ref" });
    expect(result.exitCode).toBe(2);
    expect(result.err).toContain("SPEC_BASE=no-such-ref does not name a commit");
  });

  it("passes when the base has no spec yet", async () => {
    const repo = Repo.init().write("README.md", "hi\n").commit("first");
    repo.write(SPEC, SPEC_TEXT).commit("spec");
    const result = await gate(repo);
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain("does not exist at HEAD~1");
  });
});
