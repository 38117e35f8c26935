import { bundleSize, CLIENT_ENTRY, OPENAPI_FETCH_ENTRY, readBudget } from "../bundle.js";
import { type BenchmarkResult, check } from "../result.js";
import { round } from "../stats.js";

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;
/** The target: ≤ 8 KiB gzipped, what tools/bench/budget.json holds `pnpm test` to (lower is better). */
const TARGET_BYTES = 8 * 1024;

/** Bundle size: the client with its dependencies against bare openapi-fetch, both as an app would ship them. */
export async function bundle(): Promise<BenchmarkResult> {
  const started = performance.now();
  const [client, openapiFetch] = await Promise.all([
    bundleSize(CLIENT_ENTRY),
    bundleSize(OPENAPI_FETCH_ENTRY),
  ]);
  const { maxGzipBytes } = readBudget();
  return {
    id: "bundle",
    title: "Bundle size",
    ratio: "gzipped bytes of the client bundle / gzipped bytes of bare openapi-fetch",
    method:
      'esbuild (bundle, platform browser, format esm, minify) of `export * from "@workflows-kit/client"` — the ' +
      "client with @workflows-kit/types and openapi-fetch — and of openapi-fetch alone; gzip level 9. `pnpm test` " +
      `fails when the client exceeds tools/bench/budget.json (${maxGzipBytes.toLocaleString("en")} B); lower it ` +
      "to hold the line.",
    rows: [
      check({
        case: "minified + gzipped",
        baseline: "openapi-fetch",
        subject: "@workflows-kit/client",
        unit: "bytes",
        baselineValue: openapiFetch.gzipBytes,
        subjectValue: client.gzipBytes,
        ratio: round(client.gzipBytes / openapiFetch.gzipBytes, 2),
        target: { on: "value", op: "<=", value: TARGET_BYTES, text: "≤ 8 KiB (8,192 B)" },
      }),
      check({
        case: "minified",
        baseline: "openapi-fetch",
        subject: "@workflows-kit/client",
        unit: "bytes",
        baselineValue: openapiFetch.minifiedBytes,
        subjectValue: client.minifiedBytes,
        ratio: round(client.minifiedBytes / openapiFetch.minifiedBytes, 2),
      }),
    ],
    notes: [
      `Minified bytes by package: ${client.packages.map((p) => `${p.name} ${p.bytes}`).join(", ")}.`,
      `Gzipped: client ${kB(client.gzipBytes)}, openapi-fetch ${kB(openapiFetch.gzipBytes)} (1 kB = 1000 B).`,
    ],
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
