import { configDefaults, defineConfig } from "vitest/config";

// One module graph for both files (isolate: false): they share no mutable state, and a worker per file
// re-imported it. The real `pact` binary runs in the drills (`drills` task, test/drills/vitest.config.ts).
export default defineConfig({
  test: { isolate: false, exclude: [...configDefaults.exclude, "test/drills/**"] },
});
