// A throwaway Verdaccio 6 in a child process: storage and htpasswd in a temp dir, loopback, a
// free port, a user created by the test with a random password. close() kills it and removes
// the temp dir; the child also exits by itself if this process goes away (IPC disconnect).
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const serverScript = fileURLToPath(new URL("./verdaccio-server.mjs", import.meta.url));

export interface Registry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** The temp dir holding storage/, htpasswd and config.yaml. */
  dir: string;
  /** Creates a user (htpasswd) and returns its bearer token: throwaway, never printed. */
  addUser(name: string): Promise<string>;
  /** GET a path of the registry's API as JSON (anonymous: reads are open). */
  getJson(pathname: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export async function startRegistry(): Promise<Registry> {
  const dir = await mkdtemp(path.join(tmpdir(), "wk-verdaccio-"));
  const config = [
    `storage: ${JSON.stringify(path.join(dir, "storage"))}`,
    "auth:",
    "  htpasswd:",
    `    file: ${JSON.stringify(path.join(dir, "htpasswd"))}`,
    "    max_users: 10",
    // bcrypt's fewest rounds: every authenticated request checks the throwaway user's password
    // again, and the default 10 rounds cost seconds of CPU over a release.
    "    rounds: 4",
    // No uplinks: nothing is proxied, the registry holds only what the test publishes.
    "uplinks: {}",
    "packages:",
    '  "**":',
    "    access: $all",
    "    publish: $authenticated",
    "    unpublish: $authenticated",
    "web:",
    "  enable: false",
    "log: { type: stdout, format: pretty, level: error }",
    "",
  ].join("\n");
  const configFile = path.join(dir, "config.yaml");
  await writeFile(configFile, config);

  const child: ChildProcess = fork(serverScript, [configFile], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Verdaccio did not start in 30 s:\n${output}`)), 30_000);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = /\{"port":(\d+)\}/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Verdaccio exited with ${code} before listening:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}/`;

  return {
    url,
    dir,
    async addUser(name) {
      // npm's adduser call; Verdaccio's htpasswd plugin creates the user and answers with a token.
      const password = randomBytes(18).toString("base64url");
      const response = await fetch(new URL(`-/user/org.couchdb.user:${encodeURIComponent(name)}`, url), {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, password }),
      });
      const body = (await response.json()) as { token?: string };
      if (response.status !== 201 || !body.token)
        throw new Error(`adduser ${name} failed: ${response.status}`);
      return body.token;
    },
    async getJson(pathname) {
      const response = await fetch(new URL(pathname, url));
      return { status: response.status, body: await response.json() };
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
