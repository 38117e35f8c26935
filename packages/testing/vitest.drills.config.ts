import { defineConfig } from "vitest/config";

// Drills: real child processes. Each wait is bounded by the helper itself; the test bound covers
// starting a few Node processes on a loaded 2-core machine.
export default defineConfig({
  test: { include: ["test/drills/**/*.test.ts"], testTimeout: 60_000 },
});
