import { close, fsync, openSync, rmSync, writeFile } from "node:fs";
import { readdir, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { compareTimestamps, toTicks } from "@workflows-kit/client";
import { CheckpointError } from "./errors.js";

/** The `format` of the checkpoint file; a file with another one is refused, never overwritten. */
export const CHECKPOINT_FORMAT = "workflows-monitor.checkpoint/1";

/** What the monitor remembers of one watched definition. */
export interface DefinitionState {
  accountId: string;
  definitionId: string;
  /**
   * The earliest start a poll's window may have: ids reported that started before it may have been
   * forgotten, so looking further back could report them again. It only moves forward, when ids are
   * forgotten; undefined while none was, so a longer look-back takes full effect.
   */
  windowFrom: string | undefined;
  /** Instances reported that started at or after `windowFrom` and in the last window: workflowId → startedAt. */
  reported: Map<string, string>;
}

/** Everything a restart needs: per definition, the window and the ids already reported. */
export interface Checkpoint {
  definitions: DefinitionState[];
}

/** Where the checkpoint lives between runs. */
export interface CheckpointStore {
  /** The saved checkpoint, or undefined when there is none yet. */
  load(): Promise<Checkpoint | undefined>;
  /** Replaces the saved checkpoint, all or nothing. */
  save(checkpoint: Checkpoint, savedAt: string): Promise<void>;
}

interface DefinitionJson {
  accountId: string;
  definitionId: string;
  windowFrom?: string;
  reported: Record<string, string>;
}

/** The file's text: stable key order, one definition per block, ids newest first. */
export function serializeCheckpoint(checkpoint: Checkpoint, savedAt: string): string {
  const definitions: DefinitionJson[] = checkpoint.definitions.map((d) => ({
    accountId: d.accountId,
    definitionId: d.definitionId,
    ...(d.windowFrom === undefined ? {} : { windowFrom: d.windowFrom }),
    reported: Object.fromEntries(
      [...d.reported]
        .sort(([, a], [, b]) => compareTimestamps(b, a))
        .map(([id, startedAt]) => [id, startedAt]),
    ),
  }));
  return `${JSON.stringify({ format: CHECKPOINT_FORMAT, savedAt, definitions }, null, 2)}\n`;
}

const isTimestamp = (value: unknown): value is string =>
  typeof value === "string" && toTicks(value) !== undefined;

/** Reads a checkpoint file's text; anything unexpected is a CheckpointError naming what is wrong. */
export function parseCheckpoint(text: string, path: string): Checkpoint {
  const fail = (what: string) =>
    new CheckpointError(
      path,
      `${what}; move it away to start afresh (already reported instances would be reported again)`,
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail("is not JSON");
  }
  const root = value as { format?: unknown; definitions?: unknown } | null;
  if (root?.format !== CHECKPOINT_FORMAT) throw fail(`has no "format": "${CHECKPOINT_FORMAT}"`);
  if (!Array.isArray(root.definitions)) throw fail('has no "definitions" list');
  const definitions = root.definitions.map((entry: unknown, index): DefinitionState => {
    const d = entry as Partial<Record<keyof DefinitionJson, unknown>> | null;
    const where = `definitions[${index}]`;
    if (typeof d?.accountId !== "string" || typeof d.definitionId !== "string") {
      throw fail(`${where} lacks accountId or definitionId`);
    }
    if (d.windowFrom !== undefined && !isTimestamp(d.windowFrom))
      throw fail(`${where}.windowFrom is not a timestamp`);
    if (typeof d.reported !== "object" || d.reported === null || Array.isArray(d.reported)) {
      throw fail(`${where}.reported is not an object`);
    }
    const reported = new Map<string, string>();
    for (const [id, startedAt] of Object.entries(d.reported)) {
      if (!isTimestamp(startedAt)) throw fail(`${where}.reported["${id}"] is not a timestamp`);
      reported.set(id, startedAt);
    }
    return { accountId: d.accountId, definitionId: d.definitionId, windowFrom: d.windowFrom, reported };
  });
  return { definitions };
}

/** The later of two window starts; undefined counts as "no window yet". */
export function laterWindow(a: string | undefined, b: string): string {
  return a !== undefined && compareTimestamps(a, b) > 0 ? a : b;
}

/**
 * Keeps the checkpoint bounded after a poll whose window started at `from`: forgets ids that started
 * before it (that poll did not return them), then, past `maxReported`, the oldest ones. Either way
 * `windowFrom` moves up past every id forgotten, so none can come back; returns the new start when
 * the cap moved it.
 */
export function trim(state: DefinitionState, maxReported: number, from: string): string | undefined {
  const fromTicks = toTicks(from) ?? 0n;
  let forgot = false;
  for (const [id, startedAt] of state.reported) {
    if ((toTicks(startedAt) ?? 0n) < fromTicks) {
      state.reported.delete(id);
      forgot = true;
    }
  }
  if (forgot) state.windowFrom = laterWindow(state.windowFrom, from);
  if (state.reported.size <= maxReported) return undefined;
  const newestFirst = [...state.reported].sort(([, a], [, b]) => compareTimestamps(b, a));
  const cutoff = (newestFirst[maxReported - 1] as [string, string])[1];
  // Ids that started at the cutoff instant stay: startTimeFrom is inclusive, the API returns them.
  for (const [id, startedAt] of newestFirst.slice(maxReported)) {
    if (compareTimestamps(startedAt, cutoff) < 0) state.reported.delete(id);
  }
  state.windowFrom = cutoff;
  return cutoff;
}

/** A checkpoint kept in memory (tests, or a caller that persists it elsewhere); `text` is the last one saved. */
export function memoryCheckpointStore(
  initial?: Checkpoint,
): CheckpointStore & { readonly text: string | undefined } {
  let text = initial && serializeCheckpoint(initial, new Date(0).toISOString());
  return {
    get text() {
      return text;
    },
    // Through the file format both ways, so a test sees exactly what a restart would read.
    load: async () => (text === undefined ? undefined : parseCheckpoint(text, "memory")),
    save: async (checkpoint, savedAt) => {
      text = serializeCheckpoint(checkpoint, savedAt);
    },
  };
}

/** Temporary checkpoint files being written by this process. */
const writing = new Set<string>();
let removedOnExit = false;

/** Removes `file` if the process exits before it is renamed: a second Ctrl-C exits at once, mid-write. */
function removeOnExit(file: string): void {
  if (!removedOnExit) {
    removedOnExit = true;
    process.on("exit", () => {
      for (const pending of writing) {
        try {
          rmSync(pending, { force: true });
        } catch {
          // Exiting all the same: nothing more can be done.
        }
      }
    });
  }
  writing.add(file);
}

/** Whether process `pid` exists (EPERM: it does, as another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes `FILE.<pid>.tmp` files beside `path` left by a process that no longer exists (SIGKILL, power loss). */
async function removeStaleTemporaries(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    const pid = name.startsWith(prefix) && name.endsWith(".tmp") ? name.slice(prefix.length, -4) : "";
    if (/^\d+$/.test(pid) && Number(pid) !== process.pid && !alive(Number(pid))) {
      await rm(join(dirname(path), name), { force: true }).catch(() => {});
    }
  }
}

const writeFd = promisify(writeFile);
const fsyncFd = promisify(fsync);
const closeFd = promisify(close);

/**
 * The checkpoint as a JSON file, replaced atomically: written to a temporary file next to it,
 * flushed to disk, then renamed over it, so a crash leaves the old file or the new one, never half.
 * The temporary file is never left behind: removed when a write fails, when the process exits
 * mid-write, and, at the first save, when a process that no longer exists left one.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  let swept = false;
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new CheckpointError(path, `cannot be read (${(error as Error).message})`, { cause: error });
      }
      return parseCheckpoint(text, path);
    },
    async save(checkpoint, savedAt) {
      const temporary = `${path}.${process.pid}.tmp`;
      removeOnExit(temporary);
      try {
        // Created synchronously: an exit that comes later finds it (an open still in flight would create it after).
        const fd = openSync(temporary, "w", 0o600);
        try {
          await writeFd(fd, serializeCheckpoint(checkpoint, savedAt));
          await fsyncFd(fd);
        } finally {
          await closeFd(fd);
        }
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw new CheckpointError(path, `cannot be written (${(error as Error).message})`, { cause: error });
      } finally {
        writing.delete(temporary);
      }
      if (!swept) {
        swept = true;
        await removeStaleTemporaries(path);
      }
    },
  };
}
