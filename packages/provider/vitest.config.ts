import { configDefaults, defineConfig } from "vitest/config";

// Unit tests only: Pact verification (contract:verify) and process drills (drills) have configs of
// their own. One module graph for all files (isolate: false): the files share no mutable state, and
// a fresh worker per file cost more than the tests on a loaded 2-core machine.
export default defineConfig({
  test: {
    exclude: [...configDefaults.exclude, "test/contract/**", "test/drills/**"],
    isolate: false,
  },
});
