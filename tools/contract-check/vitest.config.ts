import { defineConfig } from "vitest/config";

// Each check runs swagger-mock-validator (≈1 s per pact: it parses and validates the whole spec).
export default defineConfig({ test: { testTimeout: 10_000 } });
