import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/contract/**/*.test.ts"],
    // One pact file per consumer-provider pair: files must not write it concurrently.
    fileParallelism: false,
    globalSetup: ["test/contract/fresh-pacts.ts"],
    // Pact's core reports usage to pact.io unless told not to: the task runs offline, wherever it runs.
    env: { PACT_DO_NOT_TRACK: "true" },
  },
});
