import { defineConfig } from "vitest/config";

// Each page is rendered by a fresh headless Chromium (about 5 s each on 2 busy cores).
export default defineConfig({
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});
