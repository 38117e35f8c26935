// The memory benchmark's walker, a child process of its own so that its RSS is the walk's alone:
// `node dist/walker.js --mode loop|client --url U [--page-size 500] [--prefetch N] [--warmup-pages 200]`.
// Walks every instance the server has and prints one JSON line: RSS before, at the peak, after.
import { parseArgs } from "node:util";
import { createWorkflowsClient, type WorkflowInstance } from "@workflows-kit/client";
import { ACCOUNT_ID, DEFINITION_ID, WORKFLOWS_PATH } from "./synth.js";

const { values } = parseArgs({
  options: {
    mode: { type: "string", default: "client" },
    url: { type: "string" },
    "page-size": { type: "string", default: "500" },
    prefetch: { type: "string", default: "0" },
    "warmup-pages": { type: "string", default: "200" },
  },
});
const base = values.url as string;
const pageSize = Number(values["page-size"]);
const prefetch = Number(values.prefetch);
const warmupPages = Number(values["warmup-pages"]);
const MB = 1024 * 1024;

let items = 0;
let checksum = 0;
let baselineRss = 0;
let peakRss = 0;
let peakHeap = 0;
/** The highest RSS of each tenth of the walk (a tenth is `warmupPages` pages). */
const tenths: number[] = [];
const started = performance.now();

/**
 * Called once per instance: touches it, and samples memory once per page's worth. The baseline is
 * the highest RSS of the warm-up pages (code loaded, JIT warm, the heap at its working size), the
 * growth how far the rest of the walk goes above it: flat means the walk holds nothing it has passed.
 */
function consume(instance: WorkflowInstance): void {
  checksum = (checksum + instance.workflowId.length + instance.status.length) | 0;
  items++;
  if (items % pageSize !== 0) return;
  const { rss, heapUsed } = process.memoryUsage();
  const tenth = Math.min(9, Math.floor((items / pageSize - 1) / warmupPages));
  tenths[tenth] = Math.max(tenths[tenth] ?? 0, rss);
  if (items / pageSize <= warmupPages) {
    baselineRss = Math.max(baselineRss, rss);
  } else {
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  }
}

async function loop(): Promise<void> {
  for (let offset = 0; ; offset++) {
    const response = await fetch(`${base}${WORKFLOWS_PATH}?limit=${pageSize}&offset=${offset}`, {
      headers: { authorization: "Bearer bench" },
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const page = JSON.parse(await response.text()) as WorkflowInstance[];
    for (const instance of page) consume(instance);
    if (page.length < pageSize) return;
  }
}

async function client(): Promise<void> {
  const workflows = createWorkflowsClient({ apiKey: "bench", baseUrl: base });
  for await (const instance of workflows.iterateWorkflowInstances({
    accountId: ACCOUNT_ID,
    definitionId: DEFINITION_ID,
    pageSize,
    prefetch,
  })) {
    consume(instance);
  }
}

await (values.mode === "loop" ? loop() : client());
const endRss = process.memoryUsage.rss();
process.stdout.write(
  `${JSON.stringify({
    mode: values.mode,
    prefetch,
    items,
    checksum,
    ms: Math.round(performance.now() - started),
    baselineRssMB: baselineRss / MB,
    peakRssMB: peakRss / MB,
    endRssMB: endRss / MB,
    growthMB: Math.max(0, peakRss - baselineRss) / MB,
    peakHeapMB: peakHeap / MB,
    tenthsMB: tenths.map((rss) => Math.round(rss / MB)),
  })}\n`,
);
