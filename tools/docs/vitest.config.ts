import { defineConfig } from "vitest/config";

// One Chromium per test file; Redoc hydrates a 2.5 MB page in ~5 s, ~20 s on 2 busy cores. The browser's
// one-time unpack happens in globalSetup, which has no timeout.
export default defineConfig({
  test: { globalSetup: ["test/global-setup.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
});
