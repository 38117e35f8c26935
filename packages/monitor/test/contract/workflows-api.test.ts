// Consumer contract of `workflows-monitor` with the workflow-instances API (Pact V4).
// Each test runs one real poll cycle (the monitor's pollOnce on the real client) against Pact's mock
// server, so the pact pins exactly the queries a poll sends (exact: the query is the contract), the
// instance fields an alert is made of (ids and starts exact, the rest by type or pattern), and the
// fault answers the monitor backs off on: 429 with Retry-After, and a 5xx.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { createWorkflowsClient, InternalServerError, RateLimitError } from "@workflows-kit/client";
import { createVirtualClock, withSleep } from "@workflows-kit/testing";
import { describe, expect, it } from "vitest";
import { createMonitor, memoryCheckpointStore, type TerminatedAlert } from "../../src/index.js";
import { ACCOUNT_ID, DEFINITION_ID, STATES, type StateInstance } from "./states.js";

const { integer, like, regex } = MatchersV3;
const pact = new PactV4({
  consumer: "workflows-monitor",
  provider: "workflows-api",
  dir: path.resolve(fileURLToPath(import.meta.url), "../../../pacts"),
  logLevel: "warn",
});

const TIMESTAMP = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?(Z|[+-]\\d{2}:\\d{2})$";
const PATH = `/api/v1/accounts/${ACCOUNT_ID}/definitions/${DEFINITION_ID}/workflows`;
const authorized = { Authorization: regex("^Bearer \\S+$", "Bearer contract-test-key") };
/** The poll runs at 2021-07-01T00:00:00Z and looks back 24 h: its window starts here. */
const NOW = Date.parse("2021-07-01T00:00:00Z");
const WINDOW_FROM = "2021-06-30T00:00:00.000Z";

/** The monitor's poll on the real client against `url`; no client retries, so each request is one interaction. */
async function poll(url: string, options: { pageSize?: number; intervalMs?: number } = {}) {
  const alerts: TerminatedAlert[] = [];
  const monitor = await createMonitor({
    client: createWorkflowsClient({ apiKey: "contract-test-key", baseUrl: url, maxRetries: 0 }),
    accountId: ACCOUNT_ID,
    definitionIds: [DEFINITION_ID],
    intervalMs: options.intervalMs ?? 60_000,
    lookbackMs: 24 * 3_600_000,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    checkpoint: memoryCheckpointStore(),
    sinks: [{ deliver: async (alert) => void alerts.push(alert) }],
    clock: withSleep(createVirtualClock(NOW)),
    random: () => 0.5,
  });
  return { ...(await monitor.pollOnce()), delivered: alerts };
}

/** executeTest's result: undefined only when the test callback never ran. */
function ran<T>(result: T | undefined): T {
  if (result === undefined) throw new Error("the poll did not run");
  return result;
}

/** An instance as an alert reads it: id, status and start exact (the query pins on them), the rest by type. */
const instance = ({ workflowId, startedAt }: StateInstance) => ({
  workflowId,
  version: integer(1),
  status: "Terminated",
  startedAt,
  completedAt: regex(TIMESTAMP, "2021-06-30T21:00:00.83Z"),
});

const errorBody = (code: number, message: string) => ({
  code: integer(code),
  message: like(message),
  errorId: like("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
  timestamp: regex(TIMESTAMP, "2021-07-13T01:28:37.66Z"),
});

describe("a poll", () => {
  // Newest first. The Complete one and the one started before the window must not come back.
  const data: StateInstance[] = [
    { workflowId: "60dbe307fe55d99fc083db66", startedAt: "2021-06-30T20:00:00.5Z", status: "Complete" },
    {
      workflowId: "60dbe307fe55d99fc083db65",
      startedAt: "2021-06-30T18:20:39.3857479Z",
      status: "Terminated",
    },
    { workflowId: "60dbe307fe55d99fc083db64", startedAt: "2021-06-30T12:00:00.12Z", status: "Terminated" },
    { workflowId: "60dbe307fe55d99fc083db63", startedAt: "2021-06-30T06:00:00.25Z", status: "Terminated" },
    {
      workflowId: "60dbe307fe55d99fc083db62",
      startedAt: "2021-06-29T23:59:59.9999999Z",
      status: "Terminated",
    },
  ];
  const [, newest, second, third] = data as [StateInstance, StateInstance, StateInstance, StateInstance];
  const state = STATES.instances({ definitionId: DEFINITION_ID, instances: data });
  const filters = { status: "Terminated", startTimeFrom: WINDOW_FROM };

  it("asks for status=Terminated since the window start, walks the pinned pages (offset in pages) and reports each, oldest first", async () => {
    pact
      .addInteraction()
      .given(state.name, state.params)
      .uponReceiving("a poll for instances terminated since the window start: the first page of 2")
      .withRequest("GET", PATH, (b) => b.query({ ...filters, limit: "2", offset: "0" }).headers(authorized))
      .willRespondWith(200, (b) => b.jsonBody([instance(newest), instance(second)]));
    const result = ran(
      await pact
        .addInteraction()
        .given(state.name, state.params)
        .uponReceiving("a poll's second page of 2, pinned to where the walk started, which is short")
        .withRequest("GET", PATH, (b) =>
          b
            .query({ ...filters, limit: "2", offset: "1", startTimeTo: newest.startedAt, version: "1" })
            .headers(authorized),
        )
        .willRespondWith(200, (b) => b.jsonBody([instance(third)]))
        .executeTest((server) => poll(server.url, { pageSize: 2 })),
    );
    expect(result.failures).toEqual([]);
    expect(result.delivered.map((a) => [a.workflowId, a.startedAt])).toEqual(
      [third, second, newest].map((i) => [i.workflowId, i.startedAt]),
    );
  });
});

describe("trouble", () => {
  const query = { status: "Terminated", startTimeFrom: WINDOW_FROM, limit: "500", offset: "0" };

  it("429: the next poll waits at least Retry-After", async () => {
    const state = STATES.rateLimited({ count: 1, retryAfterSeconds: 2 });
    const result = ran(
      await pact
        .addInteraction()
        .given(state.name, state.params)
        .uponReceiving("a poll while rate limited")
        .withRequest("GET", PATH, (b) => b.query(query).headers(authorized))
        .willRespondWith(429, (b) =>
          b.headers({ "Retry-After": regex("^\\d+$", "2") }).jsonBody(errorBody(1100, "Too many requests.")),
        )
        .executeTest((server) => poll(server.url, { intervalMs: 500 })),
    );
    expect(result.failures.map((f) => f.error)).toEqual([expect.any(RateLimitError)]);
    expect(result.failures[0]?.error).toMatchObject({ retryAfterMs: 2_000 });
    // The backoff alone would be 0.5–1 s: Retry-After decides.
    expect(result.nextPollInMs).toBe(2_000);
  });

  it("5xx: logged as a failure, the next poll backs off", async () => {
    const state = STATES.failing({ count: 1, status: 503 });
    const result = ran(
      await pact
        .addInteraction()
        .given(state.name, state.params)
        .uponReceiving("a poll while the service is unavailable")
        .withRequest("GET", PATH, (b) => b.query(query).headers(authorized))
        .willRespondWith(503, (b) => b.jsonBody(errorBody(1, "Internal server error.")))
        .executeTest((server) => poll(server.url)),
    );
    expect(result.failures.map((f) => f.error)).toEqual([expect.any(InternalServerError)]);
    expect(result.failures[0]?.error).toMatchObject({ status: 503 });
    expect(result.nextPollInMs).toBe(90_000);
  });
});
