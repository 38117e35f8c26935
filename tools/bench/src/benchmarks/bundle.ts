import { bundleSize, CLIENT_ENTRY, OPENAPI_FETCH_ENTRY, readBudget } from "../bundle.js";
import { type BenchmarkResult, check } from "../result.js";
import { round } from "../stats.js";

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;
/** The issue's target, ≤ 8 kB (openapi-fetch's 2,598 B being its "2.6 kB": 1 kB = 1000 B). */
const TARGET_BYTES = 8_000;

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
      `fails when the client exceeds tools/bench/budget.json (${maxGzipBytes.toLocaleString("en")} B, 8 KiB: the ` +
      "target plus a little room, so that work in flight is not blocked by a few bytes; lower it to hold the line).",
    rows: [
      check({
        case: "minified + gzipped",
        baseline: "openapi-fetch",
        subject: "@workflows-kit/client",
        unit: "bytes",
        baselineValue: openapiFetch.gzipBytes,
        subjectValue: client.gzipBytes,
        ratio: round(client.gzipBytes / openapiFetch.gzipBytes, 2),
        target: { on: "value", op: "<=", value: TARGET_BYTES, text: "≤ 8 kB (8,000 B)" },
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
