#!/usr/bin/env node
// `workflows-mock` (`pnpm mock`): Prism on the spec at 127.0.0.1:4010 (--port / PORT), until Ctrl-C.
import { EXIT, LISTEN_ERRORS, parseMockArgs, USAGE } from "./cli.js";

const command = parseMockArgs(process.argv.slice(2), process.env);
if (command.kind === "help") {
  console.log(USAGE);
  process.exit(EXIT.ok);
}
if (command.kind === "usage") {
  console.error(`workflows-mock: ${command.message} (see --help)`);
  process.exit(EXIT.usage);
}

// Prism takes a moment to load: only once the arguments are known to be good.
const { formatLogEntry, startMock } = await import("./server.js");
const { port, host, dynamic, seed, spec, quiet } = command;
const mock = await startMock({
  port,
  host,
  dynamic,
  ...(seed === undefined ? {} : { seed }),
  ...(spec === undefined ? {} : { spec }),
  logLevel: quiet ? "silent" : "info",
  log: (entry) => console.log(formatLogEntry(entry)),
}).catch((error: unknown) => {
  console.error(`workflows-mock: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(LISTEN_ERRORS.has((error as { code?: unknown }).code) ? EXIT.listen : EXIT.failure);
});
const mode = dynamic ? `dynamic${seed === undefined ? "" : `, seed ${seed}`}` : "static examples";
console.log(`Prism mock (${mode}) listening on ${mock.url}`);
console.log(
  `  GET ${mock.url}/api/v1/accounts/test_account_id/definitions/5870442f-3ddd-4657-b74c-6e17308f5230/workflows`,
);
console.log(
  "  needs Authorization: Bearer <any key>; pick a response with Prefer: code=404 | example=runningInstance | dynamic=true",
);
console.log("Ctrl-C stops it");
// Ctrl-C reaches this process twice under pnpm/turbo (from the terminal and forwarded): stop once.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void mock.close().then(() => {
    console.log("Prism mock stopped");
    process.exit(EXIT.ok);
  });
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
