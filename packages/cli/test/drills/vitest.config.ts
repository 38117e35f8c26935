import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The drills (`pnpm run drills`, turbo task `drills`): real loopback servers and child processes.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/drills/**/*.test.ts"],
  },
});
