import { defineConfig } from "vitest/config";

// The gate tests build throwaway git repositories: give git a little time on a busy machine.
export default defineConfig({
  test: { testTimeout: 30_000 },
});
