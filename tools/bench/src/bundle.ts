import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** This package's folder (from src/ and from dist/ alike): where the bundled packages resolve from. */
const packageDir = fileURLToPath(new URL("..", import.meta.url));

export interface BundleSize {
  /** What was bundled, as an import statement. */
  entry: string;
  minifiedBytes: number;
  gzipBytes: number;
  /** Bytes each package contributes to the minified output, largest first. */
  packages: { name: string; bytes: number }[];
}

/** The budget `pnpm test` holds the client to (tools/bench/budget.json). */
export interface Budget {
  maxGzipBytes: number;
}

export const readBudget = (): Budget =>
  JSON.parse(readFileSync(new URL("../budget.json", import.meta.url), "utf8")) as Budget;

function packageOf(path: string): string {
  const normalized = path.replaceAll("\\", "/");
  const installed = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(normalized)?.[1];
  if (installed) return installed;
  const workspace = /(?:packages|tools)\/([^/]+)\//.exec(normalized)?.[1];
  return workspace ? `@workflows-kit/${workspace}` : normalized;
}

/**
 * Minified + gzipped size of `contents` bundled for the browser (esbuild: bundle, platform
 * browser, ESM, minify; gzip level 9), as an app that imports it would ship it.
 */
export async function bundleSize(contents: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir: packageDir, loader: "js", sourcefile: "entry.js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values(result.metafile.outputs)[0];
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name = packageOf(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return {
    entry: contents,
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    packages: [...byPackage]
      .map(([name, bytes]) => ({ name, bytes }))
      .filter(({ bytes }) => bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/** The client with everything it imports, and openapi-fetch alone: the two sizes the budget compares. */
export const CLIENT_ENTRY = 'export * from "@workflows-kit/client";';
export const OPENAPI_FETCH_ENTRY = 'export { default } from "openapi-fetch";';
