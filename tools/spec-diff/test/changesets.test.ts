import { describe, expect, it } from "vitest";
import { highestBumps, parseChangeset } from "../src/changesets.js";

describe("parseChangeset", () => {
  it.each([
    ["double quotes", '---\n"@workflows-kit/types": major\n---\n\nSummary.\n'],
    ["single quotes", "---\n'@workflows-kit/types': major\n---\n\nSummary.\n"],
    ["CRLF and a BOM", '\uFEFF---\r\n"@workflows-kit/types": major\r\n---\r\n\r\nSummary.\r\n'],
    [
      "leading blank lines and trailing spaces",
      '\n\n---  \n"@workflows-kit/types":   major  \n---\nSummary.',
    ],
  ])("reads %s", (_name, text) => {
    const c = parseChangeset(text, "x.md");
    expect(c.releases).toEqual([{ name: "@workflows-kit/types", type: "major" }]);
    expect(c.summary).toBe("Summary.");
  });

  it("reads an empty changeset (changesets add --empty)", () => {
    expect(parseChangeset("---\n---\n", "empty.md").releases).toEqual([]);
  });

  it("rejects what changesets would reject", () => {
    expect(() => parseChangeset("# just markdown\n", "a.md")).toThrow(/a\.md: no front matter/);
    expect(() => parseChangeset('---\n"x": huge\n---\n', "b.md")).toThrow(/"huge" is not one of/);
    expect(() => parseChangeset("---\n- a\n- b\n---\n", "c.md")).toThrow(/must map package names/);
    expect(() => parseChangeset('---\n"x": [major\n---\n', "d.md")).toThrow(/not valid YAML/);
  });
});

describe("highestBumps", () => {
  it("keeps the highest bump per package and the files that give it", () => {
    const bumps = highestBumps([
      parseChangeset('---\n"a": minor\n"b": major\n---\n', "1.md"),
      parseChangeset('---\n"a": major\n---\n', "2.md"),
      parseChangeset('---\n"a": major\n"b": patch\n---\n', "3.md"),
    ]);
    expect(bumps.get("a")).toEqual({ type: "major", files: ["2.md", "3.md"] });
    expect(bumps.get("b")).toEqual({ type: "major", files: ["1.md"] });
  });
});
