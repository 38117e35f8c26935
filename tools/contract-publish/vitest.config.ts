import { defineConfig } from "vitest/config";

// One module graph for both files (isolate: false): they share no mutable state, and a worker per file
// re-imported it.
export default defineConfig({ test: { isolate: false } });
