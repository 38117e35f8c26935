import { defineConfig } from "vitest/config";

// Drills: the bin and the root scripts as real processes. One file at a time: the root-script drill
// runs turbo, which restores this package's dist/ while the bin drill would start it.
export default defineConfig({
  test: {
    include: ["test/drills/**/*.test.ts"],
    fileParallelism: false,
    // Starting Node, pnpm and turbo on a loaded 2-core machine: a bound, not an expectation.
    testTimeout: 60_000,
  },
});
