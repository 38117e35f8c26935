import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A server this run started in a child process, so that it has a core of its own. */
export interface ChildServer {
  url: string;
  /** What the child reported besides its URL. */
  info: Record<string, unknown>;
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Never leave a server behind, whatever way this process ends.
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** The path of one of this package's compiled entry points (dist/<name>.js). */
export const entry = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

/** Runs `node <script> ...args` and resolves once it prints its first line: `{"url": …}`. */
export function startChild(script: string, args: string[], nodeArgs: string[] = []): Promise<ChildServer> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  exited.then(() => running.delete(child));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} ${args.join(" ")} did not report its URL within 60 s`));
    }, 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} ${args.join(" ")} exited with ${code} before reporting its URL`));
    });
    child.stdout?.on("data", function onData(chunk: Buffer) {
      buffer += chunk.toString("utf8");
      const newline = buffer.indexOf("\n");
      if (newline === -1) return;
      child.stdout?.off("data", onData);
      child.stdout?.resume(); // later output is not read; keep the pipe from filling up
      clearTimeout(timer);
      const { url, ...info } = JSON.parse(buffer.slice(0, newline)) as { url: string };
      resolve({ url, info, pid: child.pid as number, stop });
    });
  });
}

/** Runs `node <script> ...args` to its end and parses its last stdout line as JSON. */
export function runChild<T>(script: string, args: string[], nodeArgs: string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => {
      running.delete(child);
      if (code !== 0) return reject(new Error(`${script} ${args.join(" ")} exited with ${code}`));
      const last = output.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${last.slice(0, 200)}`));
      }
    });
  });
}
