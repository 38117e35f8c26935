// The one benchmark that runs in `pnpm test`: the client's browser bundle must stay within the
// committed budget (budget.json). It is a byte count, so it is exact and fast, unlike timings.
import { describe, expect, it } from "vitest";
import { bundleSize, CLIENT_ENTRY, OPENAPI_FETCH_ENTRY, readBudget } from "../src/bundle.js";

describe("bundle size of @workflows-kit/client (esbuild, browser, ESM, minified, gzip -9)", () => {
  // The target is 8 KiB; the walk's offset-unit check and same-instant handling took it to ~9 KiB
  // (the gap is reported in README.md). Lower this as the client shrinks, never raise it.
  it("budget.json stays at 9 KiB or below", () => {
    expect(readBudget().maxGzipBytes).toBeLessThanOrEqual(9 * 1024);
  });

  it("stays within budget.json", async () => {
    const { maxGzipBytes } = readBudget();
    const client = await bundleSize(CLIENT_ENTRY);
    const breakdown = client.packages.map((p) => `${p.name} ${p.bytes} B`).join(", ");
    expect(
      client.gzipBytes,
      `the client bundles to ${client.gzipBytes} B gzipped (minified ${client.minifiedBytes} B: ${breakdown}), ` +
        `over the ${maxGzipBytes} B budget in tools/bench/budget.json`,
    ).toBeLessThanOrEqual(maxGzipBytes);
  });

  it("measures something real: openapi-fetch alone is smaller, and the client contains it", async () => {
    const [client, openapiFetch] = await Promise.all([
      bundleSize(CLIENT_ENTRY),
      bundleSize(OPENAPI_FETCH_ENTRY),
    ]);
    expect(openapiFetch.gzipBytes).toBeGreaterThan(1_000);
    expect(client.gzipBytes).toBeGreaterThan(openapiFetch.gzipBytes);
    expect(client.packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(["@workflows-kit/client", "@workflows-kit/types", "openapi-fetch"]),
    );
  });
});
