import { defineConfig } from "vitest/config";

// Real servers and child-process drills share 2 CI cores with every other suite.
export default defineConfig({ test: { testTimeout: 30_000 } });
