import { configDefaults, defineConfig } from "vitest/config";

// Unit tests: Prism in this process, loaded once. Under vitest's defaults every file got a fresh
// worker that imported Prism again (≈1 s of CPU each, several at once on 2 cores, plus child
// processes loading it too): one worker and one module graph for all files load it once.
export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, "test/drills/**"],
    maxWorkers: 1,
    isolate: false,
  },
});
