import { Writable } from "node:stream";
import type { WorkflowInstance } from "@workflows-kit/client";
import { describe, expect, it } from "vitest";
import { accountId, definitionId, generated, handmade, handmadeLatest, ids } from "./support/data.js";
import { cli } from "./support/io.js";
import { provider, queries } from "./support/providers.js";

const lines = (text: string) => text.split("\n").filter((line) => line !== "");
const parsedLines = (text: string) => lines(text).map((line) => JSON.parse(line) as WorkflowInstance);
const workflowIds = (list: WorkflowInstance[]) => list.map((i) => i.workflowId);

/** Strict RFC 4180 reader, to prove the CSV round-trips (quoted commas, quotes, CR/LF). */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  // A field is quoted (quotes doubled inside) or runs to the next comma or line break.
  const field = /"((?:[^"]|"")*)"|([^",\r\n]*)/y;
  let at = 0;
  while (at < text.length) {
    field.lastIndex = at;
    const match = field.exec(text);
    record.push(match?.[1] !== undefined ? match[1].replaceAll('""', '"') : (match?.[2] ?? ""));
    at = field.lastIndex;
    if (text.startsWith(",", at)) {
      at += 1;
    } else if (text.startsWith("\r\n", at)) {
      records.push(record);
      record = [];
      at += 2;
    } else {
      throw new Error(`not RFC 4180 at character ${at}`);
    }
  }
  return records;
}

describe("workflows list: formats", () => {
  it("table with no match: the header on stdout, and stderr says nothing matched", async () => {
    const served = provider(handmade);
    const result = await cli(["list", ...ids, "--status", "Suspended", "--version", "2"], {
      fetch: served.fetch,
    });
    expect(result).toEqual({
      code: 0,
      stdout: "workflowId  version  status  startedAt  completedAt\n",
      stderr: "no instances match\n",
    });
    const json = await cli(["list", ...ids, "--status", "Suspended", "--version", "2", "--format", "json"], {
      fetch: served.fetch,
    });
    expect(json).toEqual({ code: 0, stdout: "[]\n", stderr: "" });
  });

  it("table (the default): aligned columns, numbers right, a missing completedAt as -", async () => {
    const served = provider(handmade);
    const { code, stdout, stderr } = await cli(["list", ...ids], { fetch: served.fetch });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toBe(
      [
        "workflowId                version  status      startedAt                     completedAt",
        "60dbe307fe55d99fc083db63        2  Complete    2021-06-30T03:20:41.1234567Z  2021-06-30T03:21:41.1234568Z",
        "60dbe306fe55d99fc083db62        2  Terminated  2021-06-30T03:20:40.5000000Z  2021-06-30T03:20:40.5000001Z",
        "60dbe305fe55d99fc083db61        2  Runnable    2021-06-30T03:20:39.49Z       -",
        "",
      ].join("\n"),
    );
  });

  it("json: the page as a pretty-printed array, timestamps unchanged", async () => {
    const served = provider(handmade);
    const { code, stdout } = await cli(["list", ...ids, "--format", "json"], { fetch: served.fetch });
    expect(code).toBe(0);
    expect(stdout).toBe(`${JSON.stringify(handmadeLatest, null, 2)}\n`);
    expect(stdout).toContain('"startedAt": "2021-06-30T03:20:40.5000000Z"');
  });

  it("ndjson: one compact object per line", async () => {
    const served = provider(handmade);
    const { code, stdout } = await cli(["list", ...ids, "--format", "ndjson"], { fetch: served.fetch });
    expect(code).toBe(0);
    expect(stdout).toBe(handmadeLatest.map((i) => `${JSON.stringify(i)}\n`).join(""));
    expect(stdout.split("\n")[2]).toBe(
      '{"workflowId":"60dbe305fe55d99fc083db61","data":{"accountId":"acme","triggeredAt":"2021-06-30T03:20:39.3857479Z"},' +
        '"definitionId":"5870442f-3ddd-4657-b74c-6e17308f5230","version":2,"status":"Runnable",' +
        '"startedAt":"2021-06-30T03:20:39.49Z","completedAt":null}',
    );
  });

  it("csv: RFC 4180 (header, CRLF, quoted commas and doubled quotes), data as a JSON column", async () => {
    const served = provider(handmade);
    const { code, stdout } = await cli(["list", ...ids, "--format", "csv"], { fetch: served.fetch });
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "workflowId,definitionId,version,status,startedAt,completedAt,data",
        String.raw`60dbe307fe55d99fc083db63,5870442f-3ddd-4657-b74c-6e17308f5230,2,Complete,2021-06-30T03:20:41.1234567Z,2021-06-30T03:21:41.1234568Z,"{""accountId"":""acme"",""triggeredAt"":""2021-06-30T03:20:41.1Z"",""payload"":{""text"":""Hello, \""world\""""}}"`,
        String.raw`60dbe306fe55d99fc083db62,5870442f-3ddd-4657-b74c-6e17308f5230,2,Terminated,2021-06-30T03:20:40.5000000Z,2021-06-30T03:20:40.5000001Z,"{""accountId"":""acme"",""triggeredAt"":""2021-06-30T03:20:40.4Z"",""payload"":{""text"":""line 1\r\nline 2\nüñï""}}"`,
        `60dbe305fe55d99fc083db61,5870442f-3ddd-4657-b74c-6e17308f5230,2,Runnable,2021-06-30T03:20:39.49Z,,"{""accountId"":""acme"",""triggeredAt"":""2021-06-30T03:20:39.3857479Z""}"`,
        "",
      ].join("\r\n"),
    );
    const [header, ...records] = readCsv(stdout);
    expect(header).toEqual([
      "workflowId",
      "definitionId",
      "version",
      "status",
      "startedAt",
      "completedAt",
      "data",
    ]);
    expect(records.map((r) => JSON.parse(r[6] ?? ""))).toEqual(handmadeLatest.map((i) => i.data));
  });

  it.each(["table", "json", "ndjson", "csv"])("%s of an empty result", async (format) => {
    const served = provider([]);
    const { code, stdout } = await cli(["list", ...ids, "--format", format], { fetch: served.fetch });
    expect(code).toBe(0);
    expect(stdout).toBe(
      {
        table: "workflowId  version  status  startedAt  completedAt\n",
        json: "[]\n",
        ndjson: "",
        csv: "workflowId,definitionId,version,status,startedAt,completedAt,data\r\n",
      }[format],
    );
  });
});

describe("workflows list: parameters reach the server", () => {
  it("sends every filter as typed: dates unchanged (7 digits, trailing zeros kept), limit, offset", async () => {
    const served = provider(handmade);
    const { code, stdout } = await cli(
      [
        "list",
        ...ids,
        "--status",
        "Terminated",
        "--version",
        "2",
        "--from",
        "2021-06-30T03:20:40.5000000Z",
        "--to",
        "2021-06-30T03:20:41.1234567+00:00",
        "--limit",
        "1",
        "--offset",
        "0",
        "--format",
        "ndjson",
      ],
      { fetch: served.fetch },
    );
    expect(code).toBe(0);
    expect(served.requests).toHaveLength(1);
    expect(served.requests[0]?.url.split("?")[0]).toBe(
      `/api/v1/accounts/${accountId}/definitions/${definitionId}/workflows`,
    );
    expect(queries(served)).toEqual([
      {
        status: "Terminated",
        version: "2",
        startTimeFrom: "2021-06-30T03:20:40.5000000Z",
        startTimeTo: "2021-06-30T03:20:41.1234567+00:00",
        limit: "1",
        offset: "0",
      },
    ]);
    expect(workflowIds(parsedLines(stdout))).toEqual(["60dbe306fe55d99fc083db62"]);
  });

  it("--version picks an older version; --offset counts pages of --limit", async () => {
    const served = provider(handmade);
    const older = await cli(["list", ...ids, "--version", "1", "--format", "ndjson"], {
      fetch: served.fetch,
    });
    expect(workflowIds(parsedLines(older.stdout))).toEqual(["60dbe304fe55d99fc083db60"]);
    const second = await cli(["list", ...ids, "--limit", "2", "--offset", "1", "--format", "ndjson"], {
      fetch: served.fetch,
    });
    expect(workflowIds(parsedLines(second.stdout))).toEqual(["60dbe305fe55d99fc083db61"]);
    expect(queries(served)).toEqual([{ version: "1" }, { limit: "2", offset: "1" }]);
  });

  it("without --limit sends none: one page of the server's default size (the spec's 100)", async () => {
    const instances = generated(150);
    const served = provider(instances);
    const { stdout } = await cli(["list", ...ids, "--format", "ndjson"], { fetch: served.fetch });
    expect(workflowIds(parsedLines(stdout))).toEqual(workflowIds(instances.slice(0, 100)));
    expect(queries(served)).toEqual([{}]);
  });

  it("--all walks every page (pageSize = --limit); --max stops the walk without over-fetching", async () => {
    const instances = generated(250);
    const served = provider(instances);
    const all = await cli(["list", ...ids, "--all", "--limit", "100", "--format", "ndjson"], {
      fetch: served.fetch,
    });
    expect(workflowIds(parsedLines(all.stdout))).toEqual(workflowIds(instances));
    expect(queries(served).map((q) => [q.limit, q.offset])).toEqual([
      ["100", "0"],
      ["100", "1"],
      ["100", "2"],
    ]);

    served.requests.length = 0;
    const capped = await cli(["list", ...ids, "--all", "--limit", "100", "--max", "150", "--format", "csv"], {
      fetch: served.fetch,
    });
    expect(capped.code).toBe(0);
    expect(
      readCsv(capped.stdout)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual(workflowIds(instances.slice(0, 150)));
    // The second request asks only for the 50 still missing (offset 2 of pages of 50).
    expect(queries(served).map((q) => [q.limit, q.offset])).toEqual([
      ["100", "0"],
      ["50", "2"],
    ]);
  });

  it("--all with filters keeps them on every request", async () => {
    const instances = generated(400);
    const served = provider(instances);
    const from = instances[300]?.startedAt ?? "";
    const { stdout } = await cli(
      ["list", ...ids, "--all", "--limit", "50", "--status", "Complete", "--from", from, "--format", "json"],
      { fetch: served.fetch },
    );
    const expected = instances.slice(0, 301).filter((i) => i.status === "Complete");
    expect(workflowIds(JSON.parse(stdout) as WorkflowInstance[])).toEqual(workflowIds(expected));
    for (const query of queries(served)) {
      expect(query).toMatchObject({ status: "Complete", startTimeFrom: from, limit: "50" });
    }
  });
});

/** Records, for each chunk written, how many requests the provider had seen by then. */
class RequestClock extends Writable {
  readonly seen: number[] = [];
  readonly chunks: string[] = [];
  constructor(private readonly requests: unknown[]) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.seen.push(this.requests.length);
    this.chunks.push(chunk.toString("utf8"));
    callback();
  }
}

/** Holds every write until `release()`, with a 1-byte buffer: the slowest possible reader. */
class GatedWritable extends Writable {
  readonly chunks: string[] = [];
  #held: (() => void)[] = [];
  #open = false;
  constructor() {
    super({ highWaterMark: 1 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString("utf8"));
    if (this.#open) callback();
    else this.#held.push(callback);
  }
  release(): void {
    this.#open = true;
    for (const callback of this.#held.splice(0)) callback();
  }
}

/** Lets `turns` rounds of the event loop pass: no wall time, no timer. */
const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("workflows list --all: streaming", () => {
  it.each(["ndjson", "csv"])("%s writes each page as it arrives, before the next request", async (format) => {
    const instances = generated(1_000);
    const served = provider(instances);
    const stdout = new RequestClock(served.requests);
    const { code } = await cli(["list", ...ids, "--all", "--limit", "50", "--format", format], {
      fetch: served.fetch,
      stdout,
    });
    expect(code).toBe(0);
    expect(served.requests).toHaveLength(21); // 20 full pages and the empty one that ends the walk
    // The first page was on stdout when the server had answered one request of 21.
    expect(stdout.seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(stdout.chunks.join("").split(/\r?\n/).filter(Boolean)).toHaveLength(
      format === "csv" ? 1_001 : 1_000,
    );
  });

  it("waits for 'drain': no further page is requested while stdout is full", async () => {
    const served = provider(generated(1_000));
    const stdout = new GatedWritable();
    // Which comes first: the CLI waiting for 'drain', or (were it not to wait) a second request.
    let next: (event: string) => void = () => {};
    const first = new Promise<string>((resolve) => {
      next = resolve;
    });
    stdout.on("newListener", (event) => event === "drain" && next("waits for drain"));
    const fetch: typeof globalThis.fetch = (input, init) => {
      if (served.requests.length > 0) next("second request");
      return served.fetch(input, init);
    };
    const running = cli(["list", ...ids, "--all", "--limit", "50", "--format", "ndjson"], {
      fetch,
      stdout,
      drive: false,
    });
    expect(await first).toBe("waits for drain");
    await turns(20);
    expect({ requests: served.requests.length, chunks: stdout.chunks.length }).toEqual({
      requests: 1,
      chunks: 1,
    });
    stdout.release();
    expect((await running).code).toBe(0);
    expect(served.requests).toHaveLength(21);
    expect(lines(stdout.chunks.join(""))).toHaveLength(1_000);
  });

  it("EPIPE (the reader went away, as with | head) ends the walk quietly with exit 0", async () => {
    const served = provider(generated(1_000));
    let writes = 0;
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        if (++writes === 1) return callback();
        callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    const { code, stderr } = await cli(["list", ...ids, "--all", "--limit", "50", "--format", "ndjson"], {
      fetch: served.fetch,
      stdout,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(served.requests.length).toBeLessThanOrEqual(3);
  });

  it("another stdout failure is exit 1 with the system's reason", async () => {
    const served = provider(generated(10));
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error("no space left on device"), { code: "ENOSPC" }));
      },
    });
    const { code, stderr } = await cli(["list", ...ids, "--format", "ndjson"], {
      fetch: served.fetch,
      stdout,
    });
    expect(code).toBe(1);
    expect(stderr).toBe("workflows: cannot write to stdout: no space left on device\n");
  });
});

describe("progress on stderr", () => {
  it("--all shows pages and instances fetched so far when stderr is a terminal, then erases the line", async () => {
    const served = provider(generated(120));
    const { code, stdout, stderr } = await cli(
      ["list", ...ids, "--all", "--limit", "50", "--format", "ndjson"],
      {
        fetch: served.fetch,
        isTTY: true,
      },
    );
    expect(code).toBe(0);
    expect(lines(stdout)).toHaveLength(120);
    expect(stderr).toBe(
      [
        "fetching…",
        "\r\x1b[2K",
        "fetched 1 page, 50 instances…",
        "\r\x1b[2K",
        "fetched 2 pages, 100 instances…",
        "\r\x1b[2K",
        "fetched 3 pages, 120 instances…",
        "\r\x1b[2K",
      ].join(""),
    );
  });

  it.each([
    { name: "--all when stderr is not a terminal", args: ["--all"], isTTY: false },
    { name: "a single page, even on a terminal", args: [], isTTY: true },
  ])("nothing for $name", async ({ args, isTTY }) => {
    const served = provider(generated(120));
    const { code, stderr } = await cli(["list", ...ids, ...args, "--limit", "50"], {
      fetch: served.fetch,
      isTTY,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  });
});
