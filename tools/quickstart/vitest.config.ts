import { defineConfig } from "vitest/config";

// Drills only (task `drills`): `pnpm start` as the root script runs it, and `pnpm provider`'s bin,
// as real processes. Starting turbo, Node and the provider on a loaded 2-core machine: a bound.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
