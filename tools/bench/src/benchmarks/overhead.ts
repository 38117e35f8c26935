import { deepStrictEqual } from "node:assert/strict";
import { createWorkflowsClient } from "@workflows-kit/client";
import { entry, startChild } from "../children.js";
import { type BenchmarkResult, check, type Row } from "../result.js";
import { median, quantile, round } from "../stats.js";
import { ACCOUNT_ID, DEFINITION_ID, WORKFLOWS_PATH } from "../synth.js";

const SIZES = [100, 500];
const HEADERS = { authorization: "Bearer bench" };

/**
 * Per-request overhead: `listWorkflowInstances` against a hand-written fetch + JSON.parse of the
 * same URL, both against one bare node:http server (a child process) answering fixed bytes.
 */
export async function overhead(options: { quick: boolean }): Promise<BenchmarkResult> {
  const started = performance.now();
  const server = await startChild(entry("serve"), ["bare", "--pages", SIZES.join(",")]);
  const rows: Row[] = [];
  const roundCounts: Record<number, number> = {
    100: options.quick ? 300 : 1200,
    500: options.quick ? 120 : 450,
  };
  try {
    const client = createWorkflowsClient({ apiKey: "bench", baseUrl: server.url });
    for (const size of SIZES) {
      // The URL the client builds for these parameters, spelled out by hand.
      const url = `${server.url}${WORKFLOWS_PATH}?limit=${size}`;
      const baseline = async () =>
        JSON.parse(await (await fetch(url, { headers: HEADERS })).text()) as unknown;
      const subject = () =>
        client.listWorkflowInstances({ accountId: ACCOUNT_ID, definitionId: DEFINITION_ID, limit: size });
      // What any client with a per-attempt timeout pays on top: an AbortSignal and a timer.
      const withTimeout = async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 30_000);
        try {
          const response = await fetch(url, { headers: HEADERS, signal: controller.signal });
          return JSON.parse(await response.text()) as unknown;
        } finally {
          clearTimeout(timer);
        }
      };
      deepStrictEqual(await subject(), await baseline()); // the same bytes, the same result
      const contestants = { baseline, withTimeout, subject };
      const names = Object.keys(contestants) as (keyof typeof contestants)[];
      for (let i = 0; i < (options.quick ? 50 : 200); i++)
        for (const name of names) await contestants[name]();
      // Single calls in rotating order (which one goes first changes every round), many of them: the
      // median of each is robust to the other processes of a shared machine; batches were not.
      const times = { baseline: [] as number[], withTimeout: [] as number[], subject: [] as number[] };
      for (let round = 0; round < (roundCounts[size] as number); round++) {
        for (let i = 0; i < names.length; i++) {
          const name = names[(round + i) % names.length] as keyof typeof contestants;
          const start = performance.now();
          await contestants[name]();
          times[name].push(performance.now() - start);
        }
      }
      const row = (subjectName: "withTimeout" | "subject", label: string, target?: Row["target"]) => {
        // The ratio of the medians within each tenth of the run: the figure is their median.
        const blocks = Array.from({ length: 10 }, (_, block) => {
          const slice = (list: number[]) =>
            list.slice((block * list.length) / 10, ((block + 1) * list.length) / 10);
          return median(slice(times[subjectName])) / median(slice(times.baseline));
        });
        return check({
          case: `page of ${size}`,
          baseline: "fetch + JSON.parse",
          subject: label,
          unit: "ms/request",
          baselineValue: round(median(times.baseline), 3),
          subjectValue: round(median(times[subjectName]), 3),
          ratio: round(median(blocks), 3),
          spread: [round(quantile(blocks, 0.25), 3), round(quantile(blocks, 0.75), 3)],
          ...(target ? { target } : {}),
        });
      };
      rows.push(
        row("subject", "listWorkflowInstances", { on: "ratio", op: "<=", value: 1.05, text: "≤ 1.05×" }),
        row("withTimeout", "the same + a timeout (AbortSignal, timer)"),
      );
    }
  } finally {
    await server.stop();
  }
  return {
    id: "overhead",
    title: "Per-request overhead",
    ratio: "client time / hand-written time per request (lower is better)",
    method:
      `A bare node:http server in a child process answers fixed bytes (${SIZES.join(" and ")} generated instances, ` +
      "the same for every side). After a warm-up of 200 calls each, single calls rotate — " +
      "`client.listWorkflowInstances({ …, limit })`, `JSON.parse(await (await fetch(url, { headers })).text())` on " +
      "the URL the client builds, and the same fetch with a 30 s timeout (an AbortController and a timer, as any " +
      `client with timeouts has) — ${roundCounts[100]} rounds for 100, ${roundCounts[500]} for 500, which goes first ` +
      "changing every round. Within each tenth of the run, the ratio of the medians; the figure is the median of " +
      "those ten, the spread their interquartile range.",
    rows,
    notes: [
      "The timeout row is the floor for a client that bounds each attempt: on Node 20 an AbortSignal passed to " +
        "fetch costs tens of µs (its creation and undici's listener), the same order as the whole 5 % allowance " +
        "on a page of 100.",
    ],
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
