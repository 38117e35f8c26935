import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The drills (`pnpm run drills`, turbo task `drills`): Pact's CLI as a child process on a loopback socket.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/drills/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
