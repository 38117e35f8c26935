import { configDefaults, defineConfig } from "vitest/config";

// Unit tests: run() on an injected fetch (the reference provider in memory, or an observed fetch) and
// a virtual clock; no sockets, vitest's default 5 s timeout. Contract tests run in their own task
// (contract:consumer, vitest.contract.config.ts), the drills on real sockets and processes in theirs
// (drills, test/drills/vitest.config.ts).
export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, "test/contract/**", "test/drills/**"],
    setupFiles: ["test/support/no-network.ts"],
    // One module graph for all files: they share no mutable state, and a worker per file re-imported it.
    isolate: false,
  },
});
