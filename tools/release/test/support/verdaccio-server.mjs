// A throwaway Verdaccio for the release test, run as a child process by verdaccio.ts:
//   node verdaccio-server.mjs <config.yaml>
// Listens on 127.0.0.1, port 0 (a free port), prints {"port":N} once listening, and exits when
// its parent goes away (IPC disconnect) or on SIGTERM/SIGINT, so it can never outlive the test.
import { createRequire } from "node:module";

const { runServer } = createRequire(import.meta.url)("verdaccio");
const [configPath] = process.argv.slice(2);
if (!configPath) throw new Error("usage: verdaccio-server.mjs <config.yaml>");

/** @type {import("node:http").Server} */
const server = await runServer(configPath);
/** @type {Set<import("node:net").Socket>} */
const sockets = new Set();
server.on("connection", (socket) => {
  sockets.add(socket);
  socket.on("close", () => sockets.delete(socket));
});
server.listen(0, "127.0.0.1", () => {
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});

function stop() {
  server.close(() => process.exit(0));
  for (const socket of sockets) socket.destroy();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
