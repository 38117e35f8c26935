import { defineConfig } from "vitest/config";

// The gate tests build throwaway git repositories and run both pact validators (≈1 s a check). One
// module graph for all files (isolate: false): they share no mutable state, and the validators are
// loaded and warmed up once instead of once per file.
export default defineConfig({
  test: { testTimeout: 10_000, isolate: false },
});
