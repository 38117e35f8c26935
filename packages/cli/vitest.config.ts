import { configDefaults, defineConfig } from "vitest/config";

// Contract tests run in their own task (contract:consumer, vitest.contract.config.ts), the fault
// drills in theirs (drills, test/drills/vitest.config.ts).
export default defineConfig({
  // Multi-page walks against real servers run alongside every other suite on 2 CI cores.
  test: { exclude: [...configDefaults.exclude, "test/contract/**", "test/drills/**"], testTimeout: 30_000 },
});
