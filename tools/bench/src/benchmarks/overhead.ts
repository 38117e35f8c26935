import { deepStrictEqual } from "node:assert/strict";
import { createWorkflowsClient } from "@workflows-kit/client";
import type { paths } from "@workflows-kit/types";
import createClient from "openapi-fetch";
import { entry, startChild } from "../children.js";
import { type BenchmarkResult, check, type Row } from "../result.js";
import { median, quantile, round } from "../stats.js";
import { ACCOUNT_ID, DEFINITION_ID, WORKFLOWS_PATH } from "../synth.js";

const SIZES = [100, 500];
const HEADERS = { authorization: "Bearer bench" };

/**
 * Per-request overhead: `listWorkflowInstances` against a bare openapi-fetch `GET` (which parses the
 * JSON) of the same page, and, for information, against a hand-written fetch + JSON.parse, all
 * against one bare node:http server (a child process) answering fixed bytes.
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
    // openapi-fetch as a team would use it bare: the same generated paths, the key as a header.
    const bare = createClient<paths>({ baseUrl: server.url, headers: HEADERS });
    const path = { accountId: ACCOUNT_ID, definitionId: DEFINITION_ID };
    for (const size of SIZES) {
      const openapiFetch = async () =>
        (
          await bare.GET("/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows", {
            params: { path, query: { limit: size } },
          })
        ).data;
      // The URL the client builds for these parameters, spelled out by hand.
      const url = `${server.url}${WORKFLOWS_PATH}?limit=${size}`;
      const rawFetch = async () =>
        JSON.parse(await (await fetch(url, { headers: HEADERS })).text()) as unknown;
      const subject = () => client.listWorkflowInstances({ ...path, limit: size });
      // The same bytes, the same result, on every side.
      deepStrictEqual(await subject(), await openapiFetch());
      deepStrictEqual(await subject(), await rawFetch());
      const contestants = { openapiFetch, rawFetch, subject };
      const names = Object.keys(contestants) as (keyof typeof contestants)[];
      for (let i = 0; i < (options.quick ? 50 : 200); i++)
        for (const name of names) await contestants[name]();
      // Single calls in rotating order (which one goes first changes every round), many of them: the
      // median of each is robust to the other processes of a shared machine; batches were not.
      const times = { openapiFetch: [] as number[], rawFetch: [] as number[], subject: [] as number[] };
      for (let round = 0; round < (roundCounts[size] as number); round++) {
        for (let i = 0; i < names.length; i++) {
          const name = names[(round + i) % names.length] as keyof typeof contestants;
          const start = performance.now();
          await contestants[name]();
          times[name].push(performance.now() - start);
        }
      }
      const row = (baselineName: "openapiFetch" | "rawFetch", label: string, target?: Row["target"]) => {
        // The ratio of the medians within each tenth of the run: the figure is their median.
        const blocks = Array.from({ length: 10 }, (_, block) => {
          const slice = (list: number[]) =>
            list.slice((block * list.length) / 10, ((block + 1) * list.length) / 10);
          return median(slice(times.subject)) / median(slice(times[baselineName]));
        });
        return check({
          case: `page of ${size}`,
          baseline: label,
          subject: "listWorkflowInstances",
          unit: "ms/request",
          baselineValue: round(median(times[baselineName]), 3),
          subjectValue: round(median(times.subject), 3),
          ratio: round(median(blocks), 3),
          spread: [round(quantile(blocks, 0.25), 3), round(quantile(blocks, 0.75), 3)],
          ...(target ? { target } : {}),
        });
      };
      rows.push(
        row("openapiFetch", "openapi-fetch GET + JSON parse", {
          on: "ratio",
          op: "<=",
          value: 1.1,
          text: "≤ 1.10×",
        }),
        row("rawFetch", "fetch + JSON.parse (information)"),
      );
    }
  } finally {
    await server.stop();
  }
  return {
    id: "overhead",
    title: "Per-request overhead",
    ratio: "client time / the baseline's time per request (lower is better)",
    method:
      `A bare node:http server in a child process answers fixed bytes (${SIZES.join(" and ")} generated instances, ` +
      "the same for every side). After a warm-up of 200 calls each, single calls rotate — " +
      "`client.listWorkflowInstances({ …, limit })`, a bare openapi-fetch client's `GET` of the same path and query " +
      "(the key as a default header; it parses the JSON), and `JSON.parse(await (await fetch(url, { headers })).text())` " +
      `on the URL the client builds — ${roundCounts[100]} rounds for 100, ${roundCounts[500]} for 500, which goes first ` +
      "changing every round. Within each tenth of the run, the ratio of the medians; the figure is the median of " +
      "those ten, the spread their interquartile range.",
    rows,
    notes: [
      "The anchor is openapi-fetch, which the client is built on: what the client adds per call is its parameter " +
        "check against the spec, a per-attempt timeout (an AbortController and a timer), the body read inside the " +
        "attempt and handed on, and the page's shape check. The raw fetch row is for information: next to a real " +
        "network (tens of ms a request) these tens of µs do not show.",
    ],
    seconds: round((performance.now() - started) / 1000, 1),
    measuredAt: new Date().toISOString(),
  };
}
