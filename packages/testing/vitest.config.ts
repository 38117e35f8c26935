import { configDefaults, defineConfig } from "vitest/config";

// Unit tests: no process, no socket. The process helpers' drills have their own config. One module
// graph for all files (isolate: false): they share no mutable state, and a worker per file re-imported it.
export default defineConfig({
  test: { exclude: [...configDefaults.exclude, "test/drills/**"], isolate: false },
});
