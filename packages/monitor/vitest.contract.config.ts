import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/contract/**/*.test.ts"],
    // One pact file per consumer-provider pair: files must not write it concurrently.
    fileParallelism: false,
    globalSetup: ["test/contract/fresh-pacts.ts"],
    // Pact's core reports usage to its vendor unless told not to; tests make no outbound connections.
    env: { PACT_DO_NOT_TRACK: "true" },
  },
});
