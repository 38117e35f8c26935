// Turbo at team scale: two machines share task results through a self-hosted remote cache.
// A server (turborepo-remote-cache, local disk storage in a temp dir, loopback, a throwaway token) is
// started; the repository's committed HEAD is cloned twice ("machine A" and "machine B"), each installed
// from the local pnpm store, and the same subset pipeline runs in both. A's run misses and uploads;
// B's run must then be served entirely by the remote cache (its local cache is empty): every task a
// REMOTE hit in turbo's run summary, ">>> FULL TURBO", and the outputs (dist/) restored on disk.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRemoteCache } from "../server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: here, encoding: "utf8" }).trim();
// The client and the packages that depend on it: generate, the builds and the workspace typecheck
// (one tsc process over every tsconfig.json), 10 tasks that take ~40 s cold on CI's 2 cores. The whole `pnpm test` graph would prove nothing more
// about the cache and take minutes twice.
const PIPELINE = ["build", "typecheck", "--filter=@workflows-kit/client..."];
const TEAM = "workflows-kit";

interface TaskSummary {
  taskId: string;
  command: string;
  cache: { status: "HIT" | "MISS"; source?: "LOCAL" | "REMOTE" };
}

interface Run {
  stdout: string;
  tasks: TaskSummary[];
}

let work: string;
let server: Awaited<ReturnType<typeof startRemoteCache>>;
const token = randomBytes(32).toString("hex");
const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();

/** The environment of a teammate's shell: no TURBO_* inherited from an outer turbo, ours set. */
function teamEnv(extra: Record<string, string>) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !key.startsWith("TURBO_") && !key.startsWith("npm_")) env[key] = value;
  return {
    ...env,
    TURBO_TELEMETRY_DISABLED: "1",
    DO_NOT_TRACK: "1",
    TURBO_API: server.url,
    TURBO_TOKEN: token,
    TURBO_TEAM: TEAM,
    ...extra,
  };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd} (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

/** A fresh clone of HEAD, installed from the local store, as a second machine would have it. */
function cloneAndInstall(name: string) {
  const dir = path.join(work, name);
  run("git", ["clone", "--quiet", root, dir], work, process.env);
  const env = teamEnv({});
  try {
    run("pnpm", ["install", "--frozen-lockfile", "--offline"], dir, env);
  } catch {
    // A package missing from the local store: fetch it from the registry, still pinned by the lockfile.
    run("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"], dir, env);
  }
  return dir;
}

/** The pipeline in a clone, with turbo's run summary (.turbo/runs/<id>.json). */
function runPipeline(dir: string): Run {
  const stdout = run("pnpm", ["exec", "turbo", "run", ...PIPELINE, "--summarize"], dir, teamEnv({}));
  const runs = path.join(dir, ".turbo/runs");
  const [latest] = readdirSync(runs)
    .filter((file) => file.endsWith(".json"))
    .map((file) => path.join(runs, file));
  if (!latest) throw new Error(`no run summary in ${runs}`);
  const summary = JSON.parse(readFileSync(latest, "utf8")) as { tasks: TaskSummary[] };
  rmSync(runs, { recursive: true, force: true });
  // Packages without a script for a task still appear, as <NONEXISTENT>: nothing to cache there.
  return { stdout, tasks: summary.tasks.filter((task) => task.command !== "<NONEXISTENT>") };
}

const byStatus = (tasks: TaskSummary[]) =>
  tasks.map(
    (task) => `${task.taskId}: ${task.cache.status}${task.cache.source ? ` ${task.cache.source}` : ""}`,
  );

let machineA: Run;
let machineB: Run;
let cloneB: string;
const storage = () => path.join(work, "cache-storage");

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "remote-cache-"));
  server = await startRemoteCache({ token, storagePath: storage() });
  const cloneA = cloneAndInstall("machine-a");
  machineA = runPipeline(cloneA);
  cloneB = cloneAndInstall("machine-b");
  machineB = runPipeline(cloneB);
  console.log(
    `remote cache ${server.url}, HEAD ${head.slice(0, 12)}\nmachine A:\n  ${byStatus(machineA.tasks).join("\n  ")}\nmachine B:\n  ${byStatus(machineB.tasks).join("\n  ")}`,
  );
}, 600_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe(`a remote cache shared by two clones of HEAD (turbo run ${PIPELINE.join(" ")})`, () => {
  it("runs a real subset: generate, the builds of the client and its dependents, the typecheck", () => {
    const ids = machineA.tasks.map((task) => task.taskId);
    expect(ids).toEqual(
      expect.arrayContaining([
        "@workflows-kit/types#generate",
        "@workflows-kit/types#build",
        "@workflows-kit/client#build",
        "@workflows-kit/typecheck#typecheck",
      ]),
    );
  });

  it("machine A starts cold: every task runs, and its results are uploaded", () => {
    expect(machineA.tasks.filter((task) => task.cache.status !== "MISS").map((task) => task.taskId)).toEqual(
      [],
    );
    const artifacts = readdirSync(path.join(storage(), TEAM));
    expect(artifacts.length).toBeGreaterThanOrEqual(machineA.tasks.length);
  });

  it("machine B replays every task from the remote cache: FULL TURBO", () => {
    expect(machineB.tasks.map((task) => task.taskId).sort()).toEqual(
      machineA.tasks.map((task) => task.taskId).sort(),
    );
    expect(byStatus(machineB.tasks).filter((line) => !line.endsWith(": HIT REMOTE"))).toEqual([]);
    expect(machineB.stdout).toContain("cache hit, replaying logs");
    expect(machineB.stdout).toContain(">>> FULL TURBO");
  });

  it("machine B gets the outputs, not only the logs", () => {
    for (const file of ["packages/types/dist/index.js", "packages/client/dist/index.js"])
      expect(existsSync(path.join(cloneB, file)), file).toBe(true);
  });

  it("refuses artifacts without the team's token", async () => {
    const [hash] = readdirSync(path.join(storage(), TEAM));
    const url = `${server.url}/v8/artifacts/${hash?.replace(/\.[^.]*$/, "")}?slug=${TEAM}`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: "Bearer not-the-token" } })).status).toBe(401);
    expect((await fetch(url)).status).toBe(400);
  });
});
