import { defineConfig } from "vitest/config";

// Each check runs swagger-mock-validator (≈1 s per pact: it parses and validates the whole spec). One
// module graph for both files (isolate: false): the validators are loaded and warmed up once.
export default defineConfig({ test: { testTimeout: 10_000, isolate: false } });
