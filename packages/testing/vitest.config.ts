import { configDefaults, defineConfig } from "vitest/config";

// Unit tests: no process, no socket. The process helpers' drills have their own config.
export default defineConfig({
  test: { exclude: [...configDefaults.exclude, "test/drills/**"] },
});
