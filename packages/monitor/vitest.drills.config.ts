import { defineConfig } from "vitest/config";

// Drills: real sockets, the reference provider, the bin as a child process. Each step waits for an
// event (a line of output) within @workflows-kit/testing's LINE_WITHIN_MS; the test bound covers a few such steps on a
// loaded machine. Unit tests stay under vitest's default 5 s.
export default defineConfig({
  test: { include: ["test/drills/**/*.test.ts"], testTimeout: 60_000 },
});
