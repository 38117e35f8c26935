// The memory benchmark's walker, a child process of its own so that its RSS is the walk's alone:
// `node --expose-gc dist/walker.js --mode loop|client --url U [--page-size 500] [--prefetch N]`.
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
    "warmup-pages": { type: "string", default: "10" },
  },
});
const base = values.url as string;
const pageSize = Number(values["page-size"]);
const prefetch = Number(values.prefetch);
const warmupPages = Number(values["warmup-pages"]);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const MB = 1024 * 1024;

let items = 0;
let checksum = 0;
let baselineRss = 0;
let peakRss = 0;
let peakHeap = 0;
const started = performance.now();

/** Called once per instance: touches it, and samples memory once per page's worth. */
function consume(instance: WorkflowInstance): void {
  checksum = (checksum + instance.workflowId.length + instance.status.length) | 0;
  items++;
  if (items % pageSize !== 0) return;
  const pages = items / pageSize;
  if (pages === warmupPages) {
    // The baseline: after the first pages (code loaded, JIT warm, buffers sized) and a full GC.
    gc();
    baselineRss = process.memoryUsage.rss();
    peakRss = baselineRss;
    return;
  }
  if (pages > warmupPages) {
    const { rss, heapUsed } = process.memoryUsage();
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
gc();
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
    growthMB: (peakRss - baselineRss) / MB,
    peakHeapMB: peakHeap / MB,
  })}\n`,
);
