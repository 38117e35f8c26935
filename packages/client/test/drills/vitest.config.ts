import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The drills (`pnpm run drills`, turbo task `drills`): real loopback servers and child processes.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/drills/**/*.test.ts"],
    // The two files side by side (vitest gives 2 cores one worker): they mostly wait on sockets and
    // children, so the task takes as long as the longer file rather than the sum.
    maxWorkers: 2,
  },
});
