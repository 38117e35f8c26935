// What each public package would publish: the tarballs `pack:check` made with `pnpm pack` (the same
// packing `pnpm publish` does, workspace:/catalog: rewritten; turbo runs it before this test), extracted
// and listed. No tests, fixtures, configs or secrets; every source map resolves inside the tarball; the
// manifest is fit to publish.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { specPath } from "@workflows-kit/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PackedPackage, packDir } from "../src/pack.mjs";

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(fileURLToPath(import.meta.url), "../../../..");

interface Packed {
  pkg: PackedPackage;
  /** Paths inside the tarball, relative to its package/ folder. */
  files: string[];
  /** The extracted package/ folder. */
  root: string;
  manifest: Record<string, unknown> & {
    exports: Record<string, unknown>;
    bin?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
}

/** Files that never belong in a published package, wherever they are. */
const FORBIDDEN = [
  /(^|\/)(test|tests|__tests__|fixtures?|__fixtures__|__mocks__|coverage|pacts|node_modules|\.turbo)\//,
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /(^|\/)(vitest|vite|biome|turbo)(\.[a-z]+)*\.(ts|js|mjs|json)$/,
  /(^|\/)tsconfig(\.[a-z]+)?\.json$/,
  /\.tsbuildinfo$/,
  /(^|\/)\.(npmrc|env[^/]*|git[^/]*|DS_Store)$/,
  /\.(tgz|log|pem|key|p12|pfx)$/,
];

/** Credentials that must never ship: npm, GitHub, AWS, Slack tokens, private keys, .npmrc auth lines. */
const SECRETS = [
  /npm_[A-Za-z0-9]{36}/,
  /gh[pousr]_[A-Za-z0-9]{36}/,
  /github_pat_[A-Za-z0-9_]{40,}/,
  /AKIA[0-9A-Z]{16}/,
  /xox[abprs]-[A-Za-z0-9-]{10,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /_authToken\s*=/,
  /\/\/[^\s/]+\/:_(auth|password)\s*=/,
];

let scratch: string;
const packed: Packed[] = [];

beforeAll(async () => {
  const index = path.join(packDir, "packages.json");
  if (!existsSync(index)) throw new Error(`no ${index}: run \`pnpm turbo run pack:check\` first`);
  scratch = await mkdtemp(path.join(tmpdir(), "wk-pack-"));
  for (const pkg of JSON.parse(await readFile(index, "utf8")) as PackedPackage[]) {
    const dest = path.join(scratch, pkg.name.replace("/", "__"));
    await mkdir(dest);
    const tarball = path.join(packDir, pkg.tarball);
    const { stdout } = await execFileAsync("tar", ["-tzf", tarball], { cwd: dest });
    await execFileAsync("tar", ["-xzf", tarball], { cwd: dest });
    const files = stdout
      .split("\n")
      .filter((line) => line && !line.endsWith("/"))
      .map((line) => line.replace(/^package\//, ""))
      .sort();
    const root = path.join(dest, "package");
    const manifest = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));
    packed.push({ pkg, files, root, manifest });
  }
}, 120_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("the public packages", () => {
  it("are exactly the seven published ones; spec/ and tools/* stay private", () => {
    expect(packed.map((p) => p.pkg.name)).toEqual([
      "@workflows-kit/cli",
      "@workflows-kit/client",
      "@workflows-kit/conformance",
      "@workflows-kit/mock",
      "@workflows-kit/monitor",
      "@workflows-kit/provider",
      "@workflows-kit/types",
    ]);
  });
});

describe("every public tarball", () => {
  // Over whatever listPublicPackages finds, so a package added later is held to it without editing this file.
  it("ships LICENSE, identical to the repository's (MIT, as its manifest says)", async () => {
    const license = await readFile(path.join(repoRoot, "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} workflows-kit contributors\n/);
    expect(packed.length).toBeGreaterThan(0);
    for (const { pkg, files, root, manifest } of packed) {
      // In the package folder itself: pnpm pack falls back to the root LICENSE, npm pack does not.
      expect(
        await readFile(path.join(repoRoot, pkg.dir, "LICENSE"), "utf8").catch(() => "missing"),
        `${pkg.dir}/LICENSE`,
      ).toBe(license);
      expect(files, `${pkg.name}'s tarball`).toContain("LICENSE");
      expect(await readFile(path.join(root, "LICENSE"), "utf8"), `${pkg.name}'s LICENSE`).toBe(license);
      expect(manifest.license, pkg.name).toBe("MIT");
    }
  });
});

const PUBLISHED = ["cli", "client", "conformance", "mock", "monitor", "provider", "types"];

describe.each(PUBLISHED)("the @workflows-kit/%s tarball", (short) => {
  const get = (): Packed => {
    const found = packed.find((p) => p.pkg.name === `@workflows-kit/${short}`);
    if (!found) throw new Error(`@workflows-kit/${short} was not packed`);
    return found;
  };

  it("holds only package.json, README, LICENSE, dist/ and src/ (no tests, fixtures, configs)", () => {
    const { files } = get();
    for (const file of files) {
      expect(file, file).toMatch(
        /^(package\.json|README\.md|LICENSE(\.md)?|CHANGELOG\.md|dist\/.+|src\/.+)$/,
      );
      for (const pattern of FORBIDDEN) expect(file, `${file} matches ${pattern}`).not.toMatch(pattern);
    }
    expect(files).toContain("package.json");
    expect(files).toContain("README.md");
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
  });

  it("has a source for every compiled file and a resolvable target for every source map", async () => {
    const { files, root } = get();
    const inTarball = new Set(files);
    for (const file of files.filter((f) => /^dist\/.+\.(js|d\.ts)$/.test(f))) {
      // dist/x/y.js and dist/x/y.d.ts come from src/x/y.ts: nothing stale from an earlier build.
      const source = file.replace(/^dist\//, "src/").replace(/(\.d)?\.ts$|\.js$/, ".ts");
      expect(inTarball.has(source), `${file} has no ${source}`).toBe(true);
      const text = await readFile(path.join(root, file), "utf8");
      const mapRef = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
      if (mapRef) {
        expect(mapRef.startsWith("data:"), `${file} inlines its map`).toBe(false);
        const mapFile = path.posix.join(path.posix.dirname(file), mapRef);
        expect(inTarball.has(mapFile), `${file} → ${mapFile}`).toBe(true);
      }
    }
    for (const mapFile of files.filter((f) => f.endsWith(".map"))) {
      const map = JSON.parse(await readFile(path.join(root, mapFile), "utf8")) as {
        sources: string[];
        sourceRoot?: string;
      };
      expect(map.sources.length, mapFile).toBeGreaterThan(0);
      for (const source of map.sources) {
        const target = path.posix.normalize(
          path.posix.join(path.posix.dirname(mapFile), map.sourceRoot ?? "", source),
        );
        expect(inTarball.has(target), `${mapFile} points at ${target}, which is not shipped`).toBe(true);
      }
    }
  });

  it("contains no secrets", async () => {
    const { files, root } = get();
    for (const file of files) {
      const text = await readFile(path.join(root, file), "utf8");
      for (const pattern of SECRETS) expect(text, `${file} matches ${pattern}`).not.toMatch(pattern);
    }
  });

  it("has a publishable manifest: ESM, types first, real ranges, no hard-coded registry", () => {
    const { manifest, files } = get();
    const inTarball = new Set(files);
    expect(manifest.private).toBeUndefined();
    expect(manifest.type).toBe("module");
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.engines).toEqual({ node: expect.stringMatching(/^>=20/) });
    expect(manifest.license).toBe("MIT");
    expect(manifest.files).toEqual(expect.arrayContaining(["dist"]));
    const publishConfig = manifest.publishConfig as Record<string, unknown>;
    expect(publishConfig.access).toBe("public");
    // The registry comes from the publisher's configuration, never from the package.
    expect(Object.keys(publishConfig).filter((k) => /registry/.test(k))).toEqual([]);
    expect(JSON.stringify(manifest)).not.toMatch(/"(workspace|catalog):/);
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      expect(range, name).toMatch(/^[\^~]?\d+\.\d+\.\d+/);
    }
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === "string") {
        expect(inTarball.has(target.replace(/^\.\//, "")), `${subpath} → ${target}`).toBe(true);
        continue;
      }
      const conditions = target as Record<string, string>;
      expect(Object.keys(conditions)[0], `${subpath}: "types" must come first`).toBe("types");
      for (const file of Object.values(conditions)) {
        expect(inTarball.has(file.replace(/^\.\//, "")), `${subpath} → ${file}`).toBe(true);
      }
    }
  });

  it("ships runnable bins", async () => {
    const { manifest, root, files } = get();
    for (const [name, target] of Object.entries(manifest.bin ?? {})) {
      const file = target.replace(/^\.\//, "");
      expect(files, `bin ${name}`).toContain(file);
      expect((await readFile(path.join(root, file), "utf8")).startsWith("#!/usr/bin/env node\n"), name).toBe(
        true,
      );
    }
  });
});

describe("@workflows-kit/types ships the spec", () => {
  it("as dist/openapi/workflows.openapi.yaml, identical to spec/workflows.openapi.yaml, exported as ./openapi.yaml", async () => {
    const types = packed.find((p) => p.pkg.name === "@workflows-kit/types");
    if (!types) throw new Error("types was not packed");
    expect(types.manifest.exports["./openapi.yaml"]).toBe("./dist/openapi/workflows.openapi.yaml");
    const shipped = await readFile(path.join(types.root, "dist/openapi/workflows.openapi.yaml"), "utf8");
    expect(shipped).toBe(await readFile(specPath, "utf8"));
  });

  it("which is where the published mock finds it", () => {
    const mock = packed.find((p) => p.pkg.name === "@workflows-kit/mock");
    expect(mock?.manifest.dependencies?.["@workflows-kit/types"]).toMatch(/^\^\d/);
  });
});
