import { configDefaults, defineConfig } from "vitest/config";

// Unit tests: an observed fetch and a virtual clock, no sockets, vitest's default 5 s timeout.
// The drills on real sockets run in their own task (`drills`, test/drills/vitest.config.ts).
export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, "test/drills/**"],
    setupFiles: ["test/support/no-network.ts"],
    // One module graph for all files: they share no mutable state, and a worker per file re-imported it.
    isolate: false,
  },
});
