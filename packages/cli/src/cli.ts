#!/usr/bin/env node
// The `workflows` bin: everything lives in run() so tests drive it in-process.
import { ExitCode } from "./errors.js";
import { run } from "./run.js";

// Ctrl-C aborts the requests in flight and ends with 130; a second one does not wait for that.
const interrupt = new AbortController();
process.once("SIGINT", () => {
  process.once("SIGINT", () => process.exit(ExitCode.Interrupted));
  interrupt.abort();
});

// exitCode, not exit(): stdout may still be flushing to a pipe.
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: interrupt.signal,
});
