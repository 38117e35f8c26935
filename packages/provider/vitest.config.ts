import { configDefaults, defineConfig } from "vitest/config";

// Pact verification runs in its own task (contract:verify, vitest.contract.config.ts).
export default defineConfig({
  test: { exclude: [...configDefaults.exclude, "test/contract/**"], testTimeout: 30_000 },
});
