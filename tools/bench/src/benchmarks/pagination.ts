import { setTimeout as delay } from "node:timers/promises";
import { createWorkflowsClient, type WorkflowInstance } from "@workflows-kit/client";
import { entry, startChild } from "../children.js";
import { type BenchmarkResult, check, type Row } from "../result.js";
import { interleave, median, quantile, ratios, round, time } from "../stats.js";
import { ACCOUNT_ID, DEFINITION_ID, WORKFLOWS_PATH } from "../synth.js";

const PAGE_SIZE = 500;
const PREFETCH = 2;

/** What the consumer does with each instance. */
type Consumer = (instance: WorkflowInstance, index: number) => Promise<void> | undefined;

let checksum = 0;
const noWork: Consumer = (instance) => {
  checksum = (checksum + instance.workflowId.length) | 0;
  return undefined;
};
/**
 * An async call per instance, and every 250th waits 5 ms (a batched write, say): ≈10 ms per page of
 * 500, about what a page takes to come. Two long waits rather than many 1 ms ones: timer granularity
 * and a busy machine stretch each wait, and would unbalance the two sides.
 */
const asyncWork: Consumer = async (instance, index) => {
  checksum = (checksum + instance.workflowId.length) | 0;
  if (index % 250 === 249) await delay(5);
};

/**
 * Auto-pagination: walking every instance of the reference provider (behind a fixed per-request
 * latency) with the client, with and without read-ahead, against the hand-written sequential loop.
 */
export async function pagination(options: {
  rounds: number;
  quick: boolean;
  count: number;
  latencyMs: number;
}): Promise<BenchmarkResult> {
  const started = performance.now();
  const { count, latencyMs } = options;
  const server = await startChild(entry("serve"), [
    "provider",
    "--count",
    String(count),
    "--latency",
    String(latencyMs),
  ]);
  const base = server.url;
  const client = createWorkflowsClient({ apiKey: "bench", baseUrl: base });

  async function loop(consume: Consumer): Promise<number> {
    let index = 0;
    for (let offset = 0; ; offset++) {
      const response = await fetch(`${base}${WORKFLOWS_PATH}?limit=${PAGE_SIZE}&offset=${offset}`, {
        headers: { authorization: "Bearer bench" },
      });
      if (!response.ok) throw new Error(`page ${offset}: status ${response.status}`);
      const page = JSON.parse(await response.text()) as WorkflowInstance[];
      for (const instance of page) await consume(instance, index++);
      if (page.length < PAGE_SIZE) return index;
    }
  }
  async function walk(consume: Consumer, prefetch: number): Promise<number> {
    let index = 0;
    for await (const instance of client.iterateWorkflowInstances({
      accountId: ACCOUNT_ID,
      definitionId: DEFINITION_ID,
      pageSize: PAGE_SIZE,
      prefetch,
    })) {
      await consume(instance, index++);
    }
    return index;
  }
  const timed = (run: () => Promise<number>) => () =>
    time(async () => {
      const seen = await run();
      if (seen !== count) throw new Error(`walked ${seen} instances, expected ${count}`);
    });

  const rows: Row[] = [];
  try {
    for (const [name, consume] of [
      ["no work per item", noWork],
      ["async work per item", asyncWork],
    ] as const) {
      await walk(consume, PREFETCH); // warm-up: JIT, connections, the provider's caches
      await loop(consume);
      const times = await interleave(
        {
          loop: timed(() => loop(consume)),
          client: timed(() => walk(consume, 0)),
          prefetch: timed(() => walk(consume, PREFETCH)),
        },
        options.rounds,
      );
      for (const [subject, label, target] of [
        ["client", "iterateWorkflowInstances", { value: 0.98, text: "≥ 0.98× (never slower)" }],
        [
          "prefetch",
          `iterateWorkflowInstances, prefetch: ${PREFETCH}`,
          name === "async work per item" ? { value: 1.8, text: "≥ 1.8×" } : undefined,
        ],
      ] as const) {
        const speedups = ratios(times.loop, times[subject]);
        rows.push(
          check({
            case: name,
            baseline: "sequential fetch loop",
            subject: label,
            unit: "s/walk",
            baselineValue: round(median(times.loop) / 1000, 2),
            subjectValue: round(median(times[subject]) / 1000, 2),
            ratio: round(median(speedups), 2),
            spread: [round(quantile(speedups, 0.25), 2), round(quantile(speedups, 0.75), 2)],
            ...(target ? { target: { on: "ratio", op: ">=", ...target } } : {}),
          }),
        );
      }
    }
  } finally {
    await server.stop();
  }
  const pages = Math.ceil(count / PAGE_SIZE);
  return {
    id: "pagination",
    title: "Auto-pagination",
    ratio: "hand-written loop time / client time (a speed-up: higher is better)",
    method:
      `${count.toLocaleString("en")} instances from the reference provider (one definition, a child process) ` +
      `behind a proxy that holds every request ${latencyMs} ms, walked in pages of ${PAGE_SIZE} (${pages} requests, ` +
      "offset in pages). The loop requests `limit`/`offset` and parses each page itself; the client pins the walk " +
      `after page 1 and, with \`prefetch: ${PREFETCH}\`, keeps the next ${PREFETCH} pages in flight. ` +
      `Every walk is checked to yield all ${count.toLocaleString("en")} instances. After a warm-up walk, ` +
      `${options.rounds} rounds run the three in rotating order; the figure is the median of per-round speed-ups.`,
    rows,
    notes: [
      "“async work per item”: every instance is awaited through an async call and every 250th waits 5 ms (a " +
        "batched write), ≈10 ms of I/O-like waiting per page of 500, about what a page takes to come: the case " +
        "read-ahead is for. " +
        "A walk that waits for each page before working on it pays latency + work per page; with read-ahead " +
        "the two overlap, so the ideal speed-up is (fetch + work) / max(fetch, work) ≈ 2×.",
      "“no work per item”: the walk is bound by latency and parsing; what the client does per page on top of " +
        "the loop (pin, repeat check, shape check, a timeout per request, an async iterator per item: ≈0.5 ms " +
        "per page of 500 here) shows as a few per cent at 10 ms of latency.",
    ],
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
