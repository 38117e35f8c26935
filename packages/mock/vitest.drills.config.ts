import { defineConfig } from "vitest/config";

// Drills: startMock's sockets and the bin as a real process.
export default defineConfig({
  test: {
    include: ["test/drills/**/*.test.ts"],
    // Both files start Prism in this process: one worker and one module graph load it once.
    maxWorkers: 1,
    isolate: false,
    // Each bin case starts a Node process that loads Prism, on a loaded 2-core machine: a bound, not an expectation.
    testTimeout: 60_000,
  },
});
