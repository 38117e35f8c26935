import { configDefaults, defineConfig } from "vitest/config";

// Contract tests run in their own task (contract:consumer, vitest.contract.config.ts).
export default defineConfig({
  test: { exclude: [...configDefaults.exclude, "test/contract/**"] },
});
