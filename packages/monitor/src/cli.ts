#!/usr/bin/env node
// The `workflows-monitor` bin: everything lives in run() so tests drive it in-process.
import { run } from "./run.js";
import { stopOnSignals } from "./signals.js";

const stop = stopOnSignals(process, (code) => process.exit(code));
// exitCode, not exit(): stdout may still be flushing to a pipe.
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: stop.signal,
});
stop.dispose();
