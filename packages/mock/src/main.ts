#!/usr/bin/env node
// `pnpm mock`: Prism on the spec at 127.0.0.1:4010 (--port / PORT), until Ctrl-C.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT || "4010" },
    host: { type: "string", default: "127.0.0.1" },
    dynamic: { type: "boolean", default: false },
    seed: { type: "string" },
    spec: { type: "string" },
    quiet: { type: "boolean", default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535 (got ${values.port})`);
  process.exit(2);
}
// Prism takes a moment to load: only once the arguments are known to be good.
const { formatLogEntry, startMock } = await import("./server.js");
const mock = await startMock({
  port,
  host: values.host,
  dynamic: values.dynamic,
  ...(values.seed === undefined ? {} : { seed: values.seed }),
  ...(values.spec === undefined ? {} : { spec: values.spec }),
  logLevel: values.quiet ? "silent" : "info",
  log: (entry) => console.log(formatLogEntry(entry)),
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
const mode = values.dynamic
  ? `dynamic${values.seed === undefined ? "" : `, seed ${values.seed}`}`
  : "static examples";
console.log(`Prism mock (${mode}) listening on ${mock.url}`);
console.log(
  `  GET ${mock.url}/api/v1/accounts/test_account_id/definitions/5870442f-3ddd-4657-b74c-6e17308f5230/workflows`,
);
console.log(
  "  needs Authorization: Bearer <any key>; pick a response with Prefer: code=404 | example=runningInstance | dynamic=true",
);
console.log("Ctrl-C stops it");
const stop = () => void mock.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
