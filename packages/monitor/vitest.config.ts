import { configDefaults, defineConfig } from "vitest/config";

// Unit tests: injected fetch and a virtual clock, no sockets. Drills and contract tests have their own configs.
export default defineConfig({
  test: { exclude: [...configDefaults.exclude, "test/contract/**", "test/drills/**"] },
});
