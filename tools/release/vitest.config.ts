import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each file starts its own registry or packs every public package: one file at a time is
    // gentle on a 2-core CI machine shared with the other suites.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
