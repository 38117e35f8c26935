// Where the render test's browser comes from, and the one-time unpack that must never leave half a browser.
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pickSystemChromium, unpackOnce } from "./browser.js";

describe("pickSystemChromium", () => {
  const only =
    (...files: string[]) =>
    (file: string) =>
      files.includes(file);

  it.each([
    [
      "$CHROMIUM first",
      { CHROMIUM: "/opt/c/chrome" },
      only("/opt/c/chrome", "/usr/bin/chromium"),
      "/opt/c/chrome",
    ],
    ["then Debian's /usr/bin/chromium", {}, only("/usr/bin/chromium"), "/usr/bin/chromium"],
    ["else none: @sparticuz/chromium is used", {}, only(), undefined],
  ] as const)("%s", (_, env, isExecutable, expected) => {
    expect(pickSystemChromium(env, isExecutable)?.executablePath).toBe(expected);
  });

  it("names $CHROMIUM when it is not executable instead of falling back silently", () => {
    expect(() => pickSystemChromium({ CHROMIUM: "/nope" }, only("/usr/bin/chromium"))).toThrow(
      "CHROMIUM=/nope is not an executable file",
    );
  });
});

describe("unpackOnce", () => {
  let scratch: string;
  let target: string;

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "docs-unpack-"));
    target = path.join(scratch, "cache", "browser-1.0.0");
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const writeBrowser = (content: string) => async (into: string) => {
    await writeFile(path.join(into, "chromium"), content);
  };

  it("unpacks into the folder once, then reuses it", async () => {
    let calls = 0;
    const unpack = async (into: string) => {
      calls += 1;
      await writeBrowser("v1")(into);
    };
    expect(await unpackOnce(target, unpack)).toBe(target);
    expect(await unpackOnce(target, unpack)).toBe(target);
    expect(calls).toBe(1);
    expect(await readFile(path.join(target, "chromium"), "utf8")).toBe("v1");
    expect(await readdir(path.dirname(target))).toEqual(["browser-1.0.0"]);
  });

  it("leaves nothing behind when the unpack fails, and the next run starts clean", async () => {
    const failing = async (into: string) => {
      await writeFile(path.join(into, "chromium"), "half");
      throw new Error("disk full");
    };
    await expect(unpackOnce(target, failing)).rejects.toThrow("disk full");
    expect(existsSync(target)).toBe(false);
    expect(await readdir(path.dirname(target))).toEqual([]);
    await unpackOnce(target, writeBrowser("whole"));
    expect(await readFile(path.join(target, "chromium"), "utf8")).toBe("whole");
  });

  it("two concurrent unpacks end with one complete copy and no staging folder", async () => {
    // Both start before either renames: each writes its own staging folder; the second rename loses.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    const slow = (content: string) => async (into: string) => {
      started += 1;
      if (started === 2) release();
      await gate;
      await writeBrowser(content)(into);
    };
    const results = await Promise.all([unpackOnce(target, slow("a")), unpackOnce(target, slow("b"))]);
    expect(results).toEqual([target, target]);
    expect(["a", "b"]).toContain(await readFile(path.join(target, "chromium"), "utf8"));
    expect(await readdir(path.dirname(target))).toEqual(["browser-1.0.0"]);
  });
});
