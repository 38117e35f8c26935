// The checkpoint file: its format both ways, what is refused, trimming, and the atomic write.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  CheckpointError,
  type DefinitionState,
  fileCheckpointStore,
  parseCheckpoint,
  serializeCheckpoint,
  trim,
} from "../src/index.js";
import { ACCOUNT, DEFINITION } from "./support/api.js";

const state = (reported: [string, string][], windowFrom?: string): DefinitionState => ({
  accountId: ACCOUNT,
  definitionId: DEFINITION,
  windowFrom,
  reported: new Map(reported),
});
const ids = (s: DefinitionState) => [...s.reported.keys()].sort();

describe("format", () => {
  const checkpoint: Checkpoint = {
    definitions: [
      state(
        [
          ["60dbe307fe55d99fc083db61", "2021-06-30T03:20:39.3857479Z"],
          ["60dbe307fe55d99fc083db62", "2021-06-30T03:21:00.5Z"],
        ],
        "2021-06-30T00:00:00.000Z",
      ),
    ],
  };

  it("round-trips, newest id first, 7-digit timestamps unchanged", () => {
    const text = serializeCheckpoint(checkpoint, "2021-07-01T00:00:00.000Z");
    expect(JSON.parse(text)).toEqual({
      format: CHECKPOINT_FORMAT,
      savedAt: "2021-07-01T00:00:00.000Z",
      definitions: [
        {
          accountId: ACCOUNT,
          definitionId: DEFINITION,
          windowFrom: "2021-06-30T00:00:00.000Z",
          reported: {
            "60dbe307fe55d99fc083db62": "2021-06-30T03:21:00.5Z",
            "60dbe307fe55d99fc083db61": "2021-06-30T03:20:39.3857479Z",
          },
        },
      ],
    });
    expect(Object.keys(JSON.parse(text).definitions[0].reported)[0]).toBe("60dbe307fe55d99fc083db62");
    expect(parseCheckpoint(text, "f")).toEqual(checkpoint);
  });

  const valid = { accountId: ACCOUNT, definitionId: DEFINITION, reported: {} };
  it.each([
    ["not JSON", "{", "is not JSON"],
    ["another format", JSON.stringify({ format: "other/1", definitions: [] }), `has no "format"`],
    ["no definitions", JSON.stringify({ format: CHECKPOINT_FORMAT }), 'has no "definitions" list'],
    [
      "a definition without ids",
      JSON.stringify({ format: CHECKPOINT_FORMAT, definitions: [{}] }),
      "definitions[0] lacks",
    ],
    [
      "a bad windowFrom",
      JSON.stringify({ format: CHECKPOINT_FORMAT, definitions: [{ ...valid, windowFrom: "yesterday" }] }),
      "definitions[0].windowFrom is not a timestamp",
    ],
    [
      "reported as a list",
      JSON.stringify({ format: CHECKPOINT_FORMAT, definitions: [{ ...valid, reported: [] }] }),
      "definitions[0].reported is not an object",
    ],
    [
      "a reported id without a timestamp",
      JSON.stringify({ format: CHECKPOINT_FORMAT, definitions: [{ ...valid, reported: { a: 1 } }] }),
      'definitions[0].reported["a"] is not a timestamp',
    ],
  ])("refuses %s, naming the file and what is wrong", (_name, text, what) => {
    const parse = () => parseCheckpoint(text, "/var/lib/monitor.json");
    expect(parse).toThrow(CheckpointError);
    expect(parse).toThrow(`checkpoint /var/lib/monitor.json: ${what}`);
    expect(parse).toThrow("move it away to start afresh");
  });
});

describe("trim", () => {
  it("forgets ids that started before the poll's window, keeps those at its start, and never looks back past them", () => {
    const s = state([
      ["a", "2021-06-30T09:59:59.9999999Z"],
      ["b", "2021-06-30T10:00:00Z"],
      ["c", "2021-06-30T11:00:00Z"],
    ]);
    expect(trim(s, 10, "2021-06-30T10:00:00.000Z")).toBeUndefined();
    expect(ids(s)).toEqual(["b", "c"]);
    expect(s.windowFrom).toBe("2021-06-30T10:00:00.000Z");
  });

  it("moves nothing while nothing is forgotten, so a longer look-back can still take effect", () => {
    const s = state([["c", "2021-06-30T11:00:00Z"]]);
    expect(trim(s, 10, "2021-06-30T10:00:00.000Z")).toBeUndefined();
    expect(s.windowFrom).toBeUndefined();
    const earlier = state([["c", "2021-06-30T11:00:00Z"]], "2021-06-30T08:00:00.000Z");
    trim(earlier, 10, "2021-06-30T10:00:00.000Z");
    expect(earlier.windowFrom).toBe("2021-06-30T08:00:00.000Z");
  });

  it("past the cap keeps the newest, and moves the window up to the oldest kept", () => {
    const s = state(
      [
        ["a", "2021-06-30T10:00:00Z"],
        ["b", "2021-06-30T11:00:00Z"],
        ["c", "2021-06-30T12:00:00.1234567Z"],
      ],
      "2021-06-30T00:00:00Z",
    );
    expect(trim(s, 2, "2021-06-30T00:00:00Z")).toBe("2021-06-30T11:00:00Z");
    expect(ids(s)).toEqual(["b", "c"]);
    expect(s.windowFrom).toBe("2021-06-30T11:00:00Z");
  });
});

describe("fileCheckpointStore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "wk-monitor-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("loads nothing when there is no file yet, then what it saved", async () => {
    const file = path.join(dir, "checkpoint.json");
    const store = fileCheckpointStore(file);
    expect(await store.load()).toBeUndefined();
    const checkpoint = { definitions: [state([["a", "2021-06-30T10:00:00Z"]])] };
    await store.save(checkpoint, "2021-07-01T00:00:00.000Z");
    expect(await store.load()).toEqual(checkpoint);
    // Replaced by a rename: no temporary file is left beside it; readable by its owner only.
    expect(await readdir(dir)).toEqual(["checkpoint.json"]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("replaces the file whole: the old content until the new one is complete", async () => {
    const file = path.join(dir, "checkpoint.json");
    const store = fileCheckpointStore(file);
    await store.save({ definitions: [state([["a", "2021-06-30T10:00:00Z"]])] }, "2021-07-01T00:00:00.000Z");
    await store.save({ definitions: [] }, "2021-07-01T00:01:00.000Z");
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({
      savedAt: "2021-07-01T00:01:00.000Z",
      definitions: [],
    });
  });

  it("its first save removes the temporary files of processes that no longer exist, and only those", async () => {
    const file = path.join(dir, "checkpoint.json");
    // A pid above Linux's pid_max (2^22) cannot exist; the parent of this process does.
    const dead = "checkpoint.json.999999999.tmp";
    const living = `checkpoint.json.${process.ppid}.tmp`;
    for (const name of [dead, living, "other.json.999999999.tmp"]) await writeFile(path.join(dir, name), "{");
    await fileCheckpointStore(file).save({ definitions: [] }, "2021-07-01T00:00:00.000Z");
    expect((await readdir(dir)).sort()).toEqual(
      ["checkpoint.json", living, "other.json.999999999.tmp"].sort(),
    );
  });

  it("a file that is not a checkpoint is a CheckpointError, and is left alone", async () => {
    const file = path.join(dir, "checkpoint.json");
    await writeFile(file, "not json");
    await expect(fileCheckpointStore(file).load()).rejects.toThrow(CheckpointError);
    expect(await readFile(file, "utf8")).toBe("not json");
  });

  it("a folder that does not exist is a CheckpointError naming the file, with no temporary file left", async () => {
    const file = path.join(dir, "missing", "checkpoint.json");
    await expect(fileCheckpointStore(file).save({ definitions: [] }, "x")).rejects.toThrow(
      `checkpoint ${file}: cannot be written (ENOENT`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("an unreadable path (a folder) is a CheckpointError", async () => {
    await expect(fileCheckpointStore(dir).load()).rejects.toThrow(`checkpoint ${dir}: cannot be read`);
  });
});
