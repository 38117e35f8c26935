import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/contract/**/*.test.ts"],
    // One pact file per consumer-provider pair: files must not write it concurrently.
    fileParallelism: false,
    globalSetup: ["test/contract/fresh-pacts.ts"],
  },
});
