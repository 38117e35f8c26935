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
  const pairCounts: Record<number, number> = {
    100: options.quick ? 300 : 1500,
    500: options.quick ? 120 : 600,
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
      deepStrictEqual(await subject(), await baseline()); // the same bytes, the same result
      for (let i = 0; i < (options.quick ? 50 : 200); i++) {
        await baseline();
        await subject();
      }
      // Single requests, alternating (which one goes first flips every pair), many of them: the
      // median of each side is robust to the other processes of a shared machine, batches were not.
      const pairs = pairCounts[size] as number;
      const times = { baseline: [] as number[], subject: [] as number[] };
      const measure = async (name: keyof typeof times, run: () => Promise<unknown>) => {
        const start = performance.now();
        await run();
        times[name].push(performance.now() - start);
      };
      for (let pair = 0; pair < pairs; pair++) {
        if (pair % 2 === 0) {
          await measure("baseline", baseline);
          await measure("subject", subject);
        } else {
          await measure("subject", subject);
          await measure("baseline", baseline);
        }
      }
      // The spread: the same ratio of medians within each tenth of the run.
      const blocks = Array.from({ length: 10 }, (_, block) => {
        const slice = (list: number[]) =>
          list.slice((block * list.length) / 10, ((block + 1) * list.length) / 10);
        return median(slice(times.subject)) / median(slice(times.baseline));
      });
      rows.push(
        check({
          case: `page of ${size}`,
          baseline: "fetch + JSON.parse",
          subject: "listWorkflowInstances",
          unit: "ms/request",
          baselineValue: round(median(times.baseline), 3),
          subjectValue: round(median(times.subject), 3),
          ratio: round(median(times.subject) / median(times.baseline), 3),
          spread: [round(quantile(blocks, 0.25), 3), round(quantile(blocks, 0.75), 3)],
          target: { on: "ratio", op: "<=", value: 1.05, text: "≤ 1.05×" },
        }),
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
      "the same for both sides). After a warm-up of 200 calls each, single calls alternate — " +
      "`client.listWorkflowInstances({ …, limit })` and `JSON.parse(await (await fetch(url, { headers })).text())` " +
      `on the URL the client builds, which goes first flipping every pair — ${pairCounts[100]} pairs for 100, ` +
      `${pairCounts[500]} for 500. The figure is the ratio of the medians; the spread, the interquartile range of the ` +
      "same ratio within each tenth of the run.",
    rows,
    notes: [],
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
