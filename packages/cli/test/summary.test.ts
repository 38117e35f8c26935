import type { WorkflowInstance } from "@workflows-kit/client";
import { describe, expect, it } from "vitest";
import { percentile, type Summary, summarize } from "../src/index.js";
import { generated, handmade, ids } from "./support/data.js";
import { cli } from "./support/io.js";
import { provider, queries } from "./support/providers.js";

/** 100 ns ticks of a UTC timestamp, parsed here without the library's toTicks. */
function ticks(timestamp: string): bigint {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(timestamp);
  if (!match) throw new Error(`not a UTC timestamp: ${timestamp}`);
  return BigInt(Date.parse(`${match[1]}Z`)) * 10_000n + BigInt((match[2] ?? "").padEnd(7, "0"));
}

/** The summary JSON, computed independently from the known data. */
function expectedJson(instances: WorkflowInstance[]) {
  const byStatus: Record<string, number> = { Runnable: 0, Suspended: 0, Complete: 0, Terminated: 0 };
  for (const i of instances) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
  const durations = instances
    .filter((i) => i.completedAt !== null)
    .map((i) => ticks(i.completedAt ?? "") - ticks(i.startedAt))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const at = (p: number) => durations[Math.ceil((p / 100) * durations.length) - 1] ?? 0n;
  const ms = (t: bigint) => Number(t) / 10_000;
  const terminated = byStatus.Terminated ?? 0;
  return {
    total: instances.length,
    byStatus,
    failures: { status: "Terminated", count: terminated, share: terminated / instances.length },
    runTimeMs: {
      count: durations.length,
      min: ms(durations[0] ?? 0n),
      p50: ms(at(50)),
      p90: ms(at(90)),
      p99: ms(at(99)),
      max: ms(durations[durations.length - 1] ?? 0n),
    },
  };
}

describe("workflows summary", () => {
  it("json: counts, failures and run-time percentiles match the data, over a multi-page walk", async () => {
    const instances = generated(2_345, 11);
    const served = provider(instances);
    const { code, stdout, stderr } = await cli(["summary", ...ids, "--format", "json", "--limit", "500"], {
      fetch: served.fetch,
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(stdout)).toEqual(expectedJson(instances));
    expect(served.requests).toHaveLength(5);
  });

  it("keeps 100 ns precision: a run of one tick is 0.0001 ms", async () => {
    const served = provider(handmade);
    const { stdout } = await cli(["summary", ...ids, "--format", "json"], { fetch: served.fetch });
    expect(JSON.parse(stdout)).toEqual({
      total: 3,
      byStatus: { Runnable: 1, Suspended: 0, Complete: 1, Terminated: 1 },
      failures: { status: "Terminated", count: 1, share: 1 / 3 },
      runTimeMs: { count: 2, min: 0.0001, p50: 0.0001, p90: 60_000.0001, p99: 60_000.0001, max: 60_000.0001 },
    });
  });

  it("table: the same numbers for people, seconds with 7 digits", async () => {
    const served = provider(handmade);
    const { code, stdout } = await cli(["summary", ...ids], { fetch: served.fetch });
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "status      count   share",
        "Runnable        1   33.3%",
        "Suspended       0    0.0%",
        "Complete        1   33.3%",
        "Terminated      1   33.3%",
        "total           3  100.0%",
        "",
        "failures: 1 Terminated of 3 (33.3%)",
        "",
        "run time     seconds",
        "min        0.0000001",
        "p50        0.0000001",
        "p90       60.0000001",
        "p99       60.0000001",
        "max       60.0000001",
        "(startedAt → completedAt over 2 completed instances; percentiles by nearest rank)",
        "",
      ].join("\n"),
    );
  });

  it("applies the filters to the walk and says when nothing completed", async () => {
    const served = provider(handmade);
    const { stdout } = await cli(
      ["summary", ...ids, "--version", "1", "--from", "2021-06-28T00:00:00.0000000Z"],
      {
        fetch: served.fetch,
      },
    );
    expect(stdout).toContain("Suspended       1  100.0%");
    expect(stdout).toContain("run time: no completed instances\n");
    expect(queries(served)).toEqual([
      { version: "1", startTimeFrom: "2021-06-28T00:00:00.0000000Z", limit: "100", offset: "0" },
    ]);
  });

  it("no matching instances: says so in the table; JSON stays well-defined (zeros, share 0, runTimeMs null)", async () => {
    const served = provider(handmade);
    const filters = ["--status", "Terminated", "--version", "1"];
    const table = await cli(["summary", ...ids, ...filters], { fetch: served.fetch });
    expect(table).toEqual({ code: 0, stdout: "no instances match: nothing to summarize\n", stderr: "" });
    const json = await cli(["summary", ...ids, ...filters, "--format", "json"], { fetch: served.fetch });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      total: 0,
      byStatus: { Runnable: 0, Suspended: 0, Complete: 0, Terminated: 0 },
      failures: { status: "Terminated", count: 0, share: 0 },
      runTimeMs: null,
    });
  });

  it("--max summarizes the newest N only", async () => {
    const instances = generated(300, 5);
    const served = provider(instances);
    const { stdout } = await cli(["summary", ...ids, "--max", "120", "--format", "json"], {
      fetch: served.fetch,
    });
    expect(JSON.parse(stdout)).toEqual(expectedJson(instances.slice(0, 120)));
  });

  it("shows progress only when stderr is a terminal", async () => {
    const served = provider(generated(150));
    const tty = await cli(["summary", ...ids], { fetch: served.fetch, isTTY: true });
    expect(tty.stderr).toContain("fetched 2 pages, 150 instances…");
    const pipe = await cli(["summary", ...ids], { fetch: served.fetch });
    expect(pipe.stderr).toBe("");
  });
});

describe("summary functions", () => {
  it("percentile is nearest rank", () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect([1, 10, 11, 50, 90, 91, 99, 100].map((p) => percentile(sorted, p))).toEqual([
      10, 10, 20, 50, 90, 100, 100, 100,
    ]);
    expect(percentile([7], 50)).toBe(7);
  });

  it("summarize works on any iterable and reports no run time without completions", async () => {
    const summary: Summary = await summarize([]);
    expect(summary).toEqual({
      total: 0,
      byStatus: { Runnable: 0, Suspended: 0, Complete: 0, Terminated: 0 },
      failures: { status: "Terminated", count: 0, share: 0 },
      runTime: undefined,
    });
  });
});
