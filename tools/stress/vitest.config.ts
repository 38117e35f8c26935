import { defineConfig } from "vitest/config";

// Each test starts the script as a child process beside its CPU burners: seconds on a busy 2-core machine.
export default defineConfig({ test: { testTimeout: 10_000 } });
