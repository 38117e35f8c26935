import { defineConfig } from "vitest/config";

// Every probe runs against an injected fetch or a loopback server it waited for: no sleeps, no clocks.
export default defineConfig({ test: { testTimeout: 10_000 } });
