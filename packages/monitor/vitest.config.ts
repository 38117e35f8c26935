import { configDefaults, defineConfig } from "vitest/config";

// Unit tests: injected fetch and a virtual clock, no sockets. Drills and contract tests have their own configs.
// One module graph for all files (isolate: false): they share no mutable state, and a worker per file re-imported it.
export default defineConfig({
  test: { exclude: [...configDefaults.exclude, "test/contract/**", "test/drills/**"], isolate: false },
});
