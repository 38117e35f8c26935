// A self-hosted turbo remote cache: `turborepo-remote-cache` (ducktors) with its local-disk storage,
// bound to loopback unless told otherwise, refusing to start without a token.
//
//   TURBO_TOKEN=$(openssl rand -hex 32) pnpm --filter @workflows-kit/remote-cache server
//
// Environment (all optional but TURBO_TOKEN): HOST (127.0.0.1), PORT (4040; 0 = a free one),
// STORAGE_PATH (<tmp>/workflows-kit-turbo-cache), LOG_LEVEL (warn). The clients then set TURBO_API to the
// printed URL, TURBO_TOKEN to the same token and TURBO_TEAM to a team slug (see README.md).
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** The package's own CLI (its `bin`), run with this Node. */
export function serverCli() {
  const manifest = require.resolve("turborepo-remote-cache/package.json");
  const { bin } = require(manifest);
  return path.join(path.dirname(manifest), typeof bin === "string" ? bin : bin["turborepo-remote-cache"]);
}

/** A free TCP port on `host` (asked from the OS, then released for the server to take). */
export function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server as a child process and resolves once it answers on `url`.
 * @param {{ token: string, storagePath: string, host?: string, port?: number, logLevel?: string }} options
 * @returns {Promise<{ url: string, stop: () => Promise<void>, logs: () => string }>}
 */
export async function startRemoteCache({
  token,
  storagePath,
  host = "127.0.0.1",
  port = 0,
  logLevel = "warn",
}) {
  if (!token) throw new Error("refusing to start a remote cache without a token (TURBO_TOKEN)");
  mkdirSync(storagePath, { recursive: true });
  const listenPort = port || /** @type {number} */ (await freePort(host));
  const child = spawn(process.execPath, [serverCli()], {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      HOST: host,
      PORT: String(listenPort),
      TURBO_TOKEN: token,
      STORAGE_PROVIDER: "local",
      STORAGE_PATH: path.resolve(storagePath),
      STORAGE_PATH_USE_TMP_FOLDER: "false",
      LOG_LEVEL: logLevel,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  /** @type {Error | undefined} */
  let exited;
  child.once("exit", (code, signal) => {
    exited = new Error(`turborepo-remote-cache exited (${code ?? signal}):\n${output}`);
  });
  child.once("error", (error) => {
    exited = error;
  });

  const url = `http://${host.includes(":") ? `[${host}]` : host}:${listenPort}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
  };
  // Ready once it answers; /favicon.ico is its one route outside the authenticated /v8 API.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw exited;
    try {
      const response = await fetch(`${url}/favicon.ico`);
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turborepo-remote-cache did not answer on ${url} within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop, logs: () => output };
}

async function main() {
  const token = process.env.TURBO_TOKEN ?? "";
  if (!token) {
    console.error("Set TURBO_TOKEN to a long random secret, e.g. TURBO_TOKEN=$(openssl rand -hex 32).");
    process.exit(2);
  }
  const storagePath = process.env.STORAGE_PATH ?? path.join(tmpdir(), "workflows-kit-turbo-cache");
  const server = await startRemoteCache({
    token,
    storagePath,
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 4040),
    logLevel: process.env.LOG_LEVEL ?? "warn",
  });
  console.log(`turbo remote cache on ${server.url}, storing in ${storagePath}`);
  console.log(`clients: TURBO_API=${server.url} TURBO_TEAM=<team slug> TURBO_TOKEN=<the same token>`);
  const shutdown = () => void server.stop().then(() => process.exit(0));
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
