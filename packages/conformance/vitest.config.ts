import { defineConfig } from "vitest/config";

// Every probe runs against an injected fetch or a loopback server it waited for: no sleeps, no clocks.
// One module graph for all files (isolate: false): they share no mutable state, and a worker per file
// re-imported the validators.
export default defineConfig({ test: { testTimeout: 10_000, isolate: false } });
