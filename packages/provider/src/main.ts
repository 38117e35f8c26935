#!/usr/bin/env node
// `workflows-provider` (`pnpm provider`): the reference provider with the seeded demo data set, until Ctrl-C.
import { EXIT, keysLine, listenFailure, parseProviderArgs, USAGE } from "./cli.js";
import { type Provider, startProvider } from "./server.js";

const command = parseProviderArgs(process.argv.slice(2), process.env);
if (command.kind === "help") {
  console.log(USAGE);
  process.exit(EXIT.ok);
}
if (command.kind === "usage") {
  console.error(`workflows-provider: ${command.message} (see --help)`);
  process.exit(EXIT.usage);
}

const { port, host, seed, apiKeys } = command;
let provider: Provider;
try {
  provider = await startProvider({ port, host, seed, apiKeys });
} catch (error) {
  const failure = listenFailure(error, host, port);
  console.error(`workflows-provider: ${failure.message}`);
  process.exit(failure.exitCode);
}
console.log(`reference provider listening on ${provider.url}`);
for (const d of provider.definitions()) {
  console.log(
    `  GET ${provider.url}/api/v1/accounts/${d.accountId}/definitions/${d.definitionId}/workflows  (${d.instances.length} instances)`,
  );
}
console.log(`${keysLine(apiKeys)}; Ctrl-C stops it`);
// Ctrl-C reaches this process twice under pnpm/turbo (from the terminal and forwarded): stop once.
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void provider.close().then(() => {
    console.log("reference provider stopped");
    process.exit(EXIT.ok);
  });
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
