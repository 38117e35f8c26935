import { defineConfig } from "vitest/config";

// Not part of `pnpm test`: two clones, two installs and a cold pipeline take about a minute, so CI runs
// this after it (`pnpm --filter @workflows-kit/remote-cache run remote-cache:check` in .ci/run).
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 600_000 },
});
