#!/usr/bin/env node
// `pnpm provider`: the reference provider with the seeded demo data set, until Ctrl-C.
import { parseArgs } from "node:util";
import { startProvider } from "./server.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "4011" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string", default: "1" },
  },
});
const provider = await startProvider({
  port: Number(values.port),
  host: values.host,
  seed: Number(values.seed),
});
console.log(`reference provider listening on ${provider.url}`);
for (const d of provider.definitions()) {
  console.log(
    `  GET ${provider.url}/api/v1/accounts/${d.accountId}/definitions/${d.definitionId}/workflows  (${d.instances.length} instances)`,
  );
}
console.log("any bearer key is accepted; Ctrl-C stops it");
const stop = () => void provider.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
