import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/contract/**/*.test.ts"],
    // Pact's verifier reports usage to Pact's servers unless told not to: tests make no outbound calls.
    env: { PACT_DO_NOT_TRACK: "true" },
    // The Rust verifier replays every interaction over loopback: minutes on a loaded 2-core machine.
    testTimeout: 120_000,
  },
});
