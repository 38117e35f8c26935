/**
 * Fault drills of the `workflows` CLI: the fault server of @workflows-kit/testing in front of the
 * reference provider, and for each fault the exit code, stdout, the one stderr line, the request
 * count and the elapsed-time window the CLI must end with. drills.test.ts runs each through `run()`
 * in-process; bin.test.ts runs those marked `bin` as `node dist/cli.js`.
 */
import type { WorkflowInstance } from "@workflows-kit/client";
import {
  always,
  apiError,
  EARLY_MS,
  type Fault,
  htmlPage,
  httpDateRateLimit,
  rateLimit,
  reordered,
  SLACK_MS,
  type Staged,
  type StageOptions,
} from "@workflows-kit/testing/drills";
import { expect } from "vitest";

const TEN_MB = 10 * 1024 * 1024;

/** The drills stage the CLI's test ids (test/support/data.ts): `drillIds` of @workflows-kit/testing. */
export interface CliDrill extends StageOptions {
  name: string;
  /** Arguments after the command's ids (`list`/`summary` first). */
  command: string[];
  /** WORKFLOWS_* settings besides the key and the base URL. */
  env: Record<string, string>;
  exit: number;
  /** Checks stdout against the provider's data; `""` for nothing at all. */
  stdout: "" | ((stdout: string, data: WorkflowInstance[]) => void);
  /** The one stderr line (`""` for none). */
  stderr: "" | RegExp;
  requests: number;
  /** The configured waits, timeouts and backoff (before SLACK_MS). */
  maxMs: number;
  /** Also run as the real bin in a child process. */
  bin?: boolean;
}

const pass: Fault = { kind: "pass" };
/** The client's default backoff (the CLI does not change it): step n waits 250–500 · 2ⁿ ms. */
const backoffMax = (retries: number) =>
  Array.from({ length: retries }, (_, n) => 500 * 2 ** n).reduce((a, b) => a + b, 0);

const ids = (list: readonly WorkflowInstance[]) => list.map((i) => i.workflowId);
const lines = (text: string) => text.split("\n").filter((line) => line !== "");
const ndjsonIds = (text: string) =>
  lines(text).map((line) => (JSON.parse(line) as WorkflowInstance).workflowId);
/** The first column of each CSV record after the header (workflowId is never quoted). */
const csvIds = (text: string) =>
  text
    .split("\r\n")
    .slice(1)
    .filter((row) => row !== "")
    .map((row) => row.slice(0, row.indexOf(",")));

const ndjsonOf =
  (order: (data: WorkflowInstance[]) => WorkflowInstance[] = (d) => d) =>
  (stdout: string, data: WorkflowInstance[]) => {
    expect(ndjsonIds(stdout)).toEqual(ids(order(data)));
  };
const jsonPage = (count: number) => (stdout: string, data: WorkflowInstance[]) => {
  expect((JSON.parse(stdout) as WorkflowInstance[]).map((i) => i.workflowId)).toEqual(
    ids(data.slice(0, count)),
  );
};
const summaryTotal = (stdout: string, data: WorkflowInstance[]) => {
  expect((JSON.parse(stdout) as { total: number }).total).toBe(data.length);
};

const URL_PART = String.raw`GET http://127\.0\.0\.1:\d+/api/v1/accounts/acme/definitions/5870442f-3ddd-4657-b74c-6e17308f5230/workflows`;

export const cliDrills: CliDrill[] = [
  {
    name: "429 burst mid-walk (Retry-After: 1, twice): list --all ndjson completes",
    size: 25,
    setup: () => ({ plan: [pass, rateLimit("1"), rateLimit("1")], minMs: () => 2_000 }),
    command: ["list", "--all", "--limit", "10", "--format", "ndjson"],
    env: { WORKFLOWS_MAX_RETRIES: "2" },
    exit: 0,
    stdout: ndjsonOf(),
    stderr: "",
    requests: 5,
    maxMs: 2_000,
  },
  {
    name: "429 with Retry-After as an HTTP date: list json waits, then prints the page",
    size: 25,
    setup: () => httpDateRateLimit(2),
    command: ["list", "--limit", "10", "--format", "json"],
    env: { WORKFLOWS_MAX_RETRIES: "2" },
    exit: 0,
    stdout: jsonPage(10),
    stderr: "",
    requests: 2,
    maxMs: 2_000,
    bin: true,
  },
  {
    name: "429 burst longer than the retries: exit 5 on all 3 attempts, it asks to wait 0 s",
    size: 25,
    setup: () => ({ plan: always(rateLimit("0")) }),
    command: ["summary", "--limit", "10"],
    env: { WORKFLOWS_MAX_RETRIES: "2" },
    exit: 5,
    stdout: "",
    stderr: new RegExp(
      `^workflows: rate limited by the server on all 3 attempts; it asks to wait 0 s \\(429, code 1100, errorId [0-9a-f-]{36}; ${URL_PART}\\?limit=10&offset=0\\)\\n$`,
    ),
    requests: 3,
    maxMs: 0,
  },
  {
    name: "429 asking for 120 s (above the client's 60 s cap): exit 5 at once, saying it did not retry",
    size: 25,
    setup: () => ({ plan: always(rateLimit("120")) }),
    command: ["list"],
    env: { WORKFLOWS_MAX_RETRIES: "2" },
    exit: 5,
    stdout: "",
    stderr:
      /^workflows: rate limited by the server: it asks to wait 120 s, longer than workflows waits, so it did not retry; try again later \(429, code 1100/,
    requests: 1,
    maxMs: 0,
  },
  {
    name: "5xx storm: exit 5 after the retries, stdout empty (table is all-or-nothing)",
    size: 25,
    setup: () => ({ plan: [apiError(500), htmlPage(502), apiError(503)] }),
    command: ["list", "--all", "--limit", "10"],
    env: { WORKFLOWS_MAX_RETRIES: "2" },
    exit: 5,
    stdout: "",
    stderr: new RegExp(
      `^workflows: the server failed on all 3 attempts \\(503, code 1, errorId [0-9a-f-]{36}; ${URL_PART}`,
    ),
    requests: 3,
    maxMs: backoffMax(2),
    bin: true,
  },
  {
    name: "5xx storm from the second page on, ndjson: exit 5, the first page already streamed",
    size: 25,
    setup: () => ({ plan: (context) => (context.index === 0 ? pass : apiError(503)) }),
    command: ["list", "--all", "--limit", "10", "--format", "ndjson"],
    env: { WORKFLOWS_MAX_RETRIES: "1" },
    exit: 5,
    stdout: (stdout, data) => expect(ndjsonIds(stdout)).toEqual(ids(data.slice(0, 10))),
    stderr: /^workflows: the server failed on all 2 attempts \(503, code 1/,
    requests: 3,
    maxMs: backoffMax(1),
  },
  {
    name: "5xx storm from the second page on, json: exit 5, stdout empty (all-or-nothing)",
    size: 25,
    setup: () => ({ plan: (context) => (context.index === 0 ? pass : apiError(503)) }),
    command: ["list", "--all", "--limit", "10", "--format", "json"],
    env: { WORKFLOWS_MAX_RETRIES: "1" },
    exit: 5,
    stdout: "",
    stderr: /^workflows: the server failed on all 2 attempts \(503, code 1/,
    requests: 3,
    maxMs: backoffMax(1),
  },
  {
    name: "connection reset mid-body on the second page, once: summary counts every instance once",
    size: 25,
    setup: () => ({ plan: [pass, { kind: "resetMidBody" }] }),
    command: ["summary", "--limit", "10", "--format", "json"],
    env: { WORKFLOWS_MAX_RETRIES: "2" },
    exit: 0,
    stdout: summaryTotal,
    stderr: "",
    requests: 4,
    maxMs: backoffMax(1),
    bin: true,
  },
  {
    name: "connection reset before the headers on every attempt: exit 5, cannot reach the server",
    size: 25,
    setup: () => ({ plan: always({ kind: "resetBeforeHeaders" }) }),
    command: ["list", "--format", "csv"],
    env: { WORKFLOWS_MAX_RETRIES: "1" },
    exit: 5,
    stdout: "",
    stderr: new RegExp(`^workflows: cannot reach the server on all 2 attempts: ${URL_PART}: fetch failed`),
    requests: 2,
    maxMs: backoffMax(1),
  },
  {
    name: "truncated JSON in a 200: exit 1, not retried",
    size: 25,
    setup: () => ({ plan: always({ kind: "truncatedJson" }) }),
    command: ["list", "--limit", "10", "--format", "json"],
    env: { WORKFLOWS_MAX_RETRIES: "2" },
    exit: 1,
    stdout: "",
    stderr: new RegExp(
      `^workflows: unexpected error: InvalidResponseError: ${URL_PART}\\?limit=10 answered 200 with a body that is not JSON: "\\[\\{`,
    ),
    requests: 1,
    maxMs: 0,
    bin: true,
  },
  {
    name: "an HTML 502 page on every attempt: exit 5, no 8x8 code",
    size: 25,
    setup: () => ({ plan: always(htmlPage(502)) }),
    command: ["list"],
    env: { WORKFLOWS_MAX_RETRIES: "1" },
    exit: 5,
    stdout: "",
    stderr: new RegExp(`^workflows: the server failed on all 2 attempts \\(502; ${URL_PART}\\)\\n$`),
    requests: 2,
    maxMs: backoffMax(1),
  },
  {
    name: "an HTML page with status 200: exit 1",
    size: 25,
    setup: () => ({ plan: always({ ...htmlPage(502), status: 200 } as Fault) }),
    command: ["list"],
    env: {},
    exit: 1,
    stdout: "",
    stderr:
      /^workflows: unexpected error: InvalidResponseError: GET .* answered 200 with a body that is not JSON: "<!DOCTYPE html>/,
    requests: 1,
    maxMs: 0,
  },
  {
    name: "a page of things that are not instances ([null, 1]): exit 1",
    size: 25,
    setup: () => ({
      plan: always({ kind: "page", build: async () => [null, 1] as unknown as WorkflowInstance[] }),
    }),
    command: ["list", "--all"],
    env: {},
    exit: 1,
    stdout: "",
    stderr:
      /^workflows: unexpected error: InvalidResponseError: GET .* answered 200 with items that are not workflow instances: "\[null,1\]"/,
    requests: 1,
    maxMs: 0,
  },
  {
    name: "slow headers (400 ms) within WORKFLOWS_TIMEOUT_MS: exit 0",
    size: 25,
    setup: () => ({ plan: [{ kind: "slowHeaders", delayMs: 400 }], minMs: () => 400 }),
    command: ["list", "--limit", "10", "--format", "json"],
    env: { WORKFLOWS_TIMEOUT_MS: "10000", WORKFLOWS_MAX_RETRIES: "0" },
    exit: 0,
    stdout: jsonPage(10),
    stderr: "",
    requests: 1,
    maxMs: 400,
  },
  {
    name: "a server that never answers: exit 5 after (retries + 1) × WORKFLOWS_TIMEOUT_MS",
    size: 25,
    setup: () => ({ plan: always({ kind: "hang" }), minMs: () => 2 * 300 }),
    command: ["summary"],
    env: { WORKFLOWS_TIMEOUT_MS: "300", WORKFLOWS_MAX_RETRIES: "1" },
    exit: 5,
    stdout: "",
    stderr: new RegExp(
      `^workflows: timed out: no answer within 300 ms \\(WORKFLOWS_TIMEOUT_MS\\) on all 2 attempts; ${URL_PART}\\?limit=100&offset=0\\n$`,
    ),
    requests: 2,
    maxMs: 2 * 300 + backoffMax(1),
    bin: true,
  },
  {
    name: "a body that trickles past WORKFLOWS_TIMEOUT_MS: exit 5, timed out",
    size: 25,
    setup: () => ({ plan: always({ kind: "trickle", chunkBytes: 32, everyMs: 50 }), minMs: () => 2 * 400 }),
    command: ["list", "--limit", "10"],
    env: { WORKFLOWS_TIMEOUT_MS: "400", WORKFLOWS_MAX_RETRIES: "1" },
    exit: 5,
    stdout: "",
    stderr: /^workflows: timed out: no answer within 400 ms/,
    requests: 2,
    maxMs: 2 * 400 + backoffMax(1),
  },
  {
    name: "a 10 MB page: list json prints all of it",
    size: 100,
    setup: () => ({ plan: [{ kind: "large", minBytes: TEN_MB }] }),
    command: ["list", "--limit", "100", "--format", "json"],
    env: { WORKFLOWS_MAX_RETRIES: "0" },
    exit: 0,
    stdout: (stdout, data) => {
      expect(stdout.length).toBeGreaterThan(TEN_MB);
      const page = JSON.parse(stdout) as (WorkflowInstance & { data: { padding: string } })[];
      expect(ids(page)).toEqual(ids(data));
      expect(page.every((i) => i.data.padding.length > 100_000)).toBe(true);
    },
    stderr: "",
    requests: 1,
    maxMs: 3_000,
    bin: true,
  },
  {
    name: "a 10 MB page: list table prints its rows (data left out)",
    size: 100,
    setup: () => ({ plan: [{ kind: "large", minBytes: TEN_MB }] }),
    command: ["list", "--limit", "100"],
    env: { WORKFLOWS_MAX_RETRIES: "0" },
    exit: 0,
    stdout: (stdout, data) => {
      const rows = lines(stdout);
      expect(rows).toHaveLength(101);
      expect(rows.slice(1).map((row) => row.split(" ")[0])).toEqual(ids(data));
    },
    stderr: "",
    requests: 1,
    maxMs: 3_000,
  },
  {
    name: "overlapping pages (each repeats the last instance of the page before): csv has each once",
    size: 47,
    setup: () => ({
      plan: always({ kind: "page", build: (page) => page.window(page.start - page.offset, page.limit) }),
    }),
    command: ["list", "--all", "--limit", "10", "--format", "csv"],
    env: {},
    exit: 0,
    stdout: (stdout, data) => expect(csvIds(stdout)).toEqual(ids(data)),
    stderr: "",
    requests: 6,
    maxMs: 0,
  },
  {
    name: "pages reordered within and across boundaries: ndjson has each once, in the server's order",
    size: 47,
    setup: () => ({
      plan: always({
        kind: "page",
        build: async (page) =>
          reordered(await page.window(0, 500), page.limit).slice(page.start, page.start + page.limit),
      }),
    }),
    command: ["list", "--all", "--limit", "10", "--format", "ndjson"],
    env: {},
    exit: 0,
    stdout: ndjsonOf((data) => reordered(data, 10)),
    stderr: "",
    requests: 5,
    maxMs: 0,
  },
];

/** What a CLI run must have produced: exit code, outputs, requests, time window; never the key. */
export function expectCliOutcome(
  drill: CliDrill,
  result: { code: number | null; stdout: string; stderr: string },
  staged: Staged,
  elapsedMs: number,
  apiKey: string,
): void {
  expect({ code: result.code, stderr: result.stderr }).toMatchObject({
    code: drill.exit,
    stderr: drill.stderr === "" ? "" : expect.stringMatching(drill.stderr),
  });
  if (drill.stderr !== "") expect(result.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  if (drill.stdout === "") expect(result.stdout).toBe("");
  else drill.stdout(result.stdout, staged.data);
  expect(result.stdout + result.stderr).not.toContain(apiKey);
  expect(staged.faults.requests).toHaveLength(drill.requests);
  for (const request of staged.faults.requests)
    expect(request.headers.authorization).toBe(`Bearer ${apiKey}`);
  expect(elapsedMs).toBeGreaterThanOrEqual(staged.minMs() - EARLY_MS);
  expect(elapsedMs).toBeLessThanOrEqual(drill.maxMs + SLACK_MS);
}
