// pack:check's own checks on small packages made here: a clean one passes, a broken one is refused by
// both publint and attw, and an export of data (YAML) is no module for attw to analyse.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTarball, dataEntrypoints, pack } from "../src/pack.mjs";

let scratch: string;

/** Writes `files` into a new package folder and packs it with pnpm; the tarball's bytes. */
async function packed(name: string, files: Record<string, string>): Promise<Uint8Array> {
  const dir = path.join(scratch, name);
  await mkdir(dir);
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
  return readFile(await pack(dir, scratch));
}

const manifest = (fields: object) =>
  JSON.stringify({ version: "1.0.0", license: "MIT", type: "module", files: ["*.js", "*.d.ts"], ...fields });

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "wk-pack-check-"));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("checkTarball", () => {
  it("finds nothing in a clean ESM package, its YAML export left out of attw", async () => {
    const tarball = await packed("clean", {
      "package.json": manifest({
        name: "clean",
        files: ["*.js", "*.d.ts", "*.yaml"],
        exports: {
          ".": { types: "./index.d.ts", default: "./index.js" },
          "./data.yaml": "./data.yaml",
        },
      }),
      "index.js": "export const answer = 42;\n",
      "index.d.ts": "export declare const answer: number;\n",
      "data.yaml": "answer: 42\n",
    });
    expect(await checkTarball(tarball)).toEqual([]);
  });

  it("names publint's and attw's problems: types not first, a subpath without types", async () => {
    const tarball = await packed("broken", {
      "package.json": manifest({
        name: "broken",
        exports: {
          ".": { default: "./index.js", types: "./index.d.ts" },
          "./extra": "./extra.js",
        },
      }),
      "index.js": "export const answer = 42;\n",
      "index.d.ts": "export declare const answer: number;\n",
      "extra.js": "export const more = 1;\n",
    });
    const problems = await checkTarball(tarball);
    expect(problems.filter((p) => p.startsWith("publint: ")).join("\n")).toMatch(/types/);
    expect(problems.filter((p) => p.startsWith("attw: ")).join("\n")).toMatch(
      /UntypedResolution: entrypoint \.\/extra, resolution (node16-esm|bundler)/,
    );
    // The esm-only profile: CommonJS resolutions are not this package's users.
    expect(problems.join("\n")).not.toMatch(/resolution (node10|node16-cjs)/);
  });
});

describe("dataEntrypoints", () => {
  it("are the subpaths with no JavaScript, declaration or JSON target", () => {
    expect(
      dataEntrypoints({
        exports: {
          ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
          "./openapi.yaml": "./dist/openapi/workflows.openapi.yaml",
          "./package.json": "./package.json",
        },
      }),
    ).toEqual(["./openapi.yaml"]);
    expect(dataEntrypoints({})).toEqual([]);
  });
});
