import { defineConfig } from "vitest/config";

// The gate tests build throwaway git repositories and run both pact validators (≈1 s a check).
export default defineConfig({
  test: { testTimeout: 10_000 },
});
