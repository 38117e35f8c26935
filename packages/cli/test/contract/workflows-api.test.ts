// Consumer contract of the `workflows` CLI with the workflow-instances API (Pact V4).
// The tests run the CLI itself (its `run`, on the real client) against Pact's mock server, so each
// interaction pins exactly the query the CLI sends (exact: the query is the contract), the fields
// it reads (by type) and the error codes it maps to exit codes (exact).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { cli } from "../support/io.js";
import { ACCOUNT_ID, DEFINITION_ID, EMPTY_DEFINITION_ID, STATES, UNKNOWN_DEFINITION_ID } from "./states.js";

const { like, integer, regex, eachLike } = MatchersV3;
const pactDir = path.resolve(fileURLToPath(import.meta.url), "../../../pacts");
const pact = new PactV4({
  consumer: "workflows-cli",
  provider: "workflows-api",
  dir: pactDir,
  logLevel: "warn",
});

const API_KEY = "contract-test-key";
const INVALID_KEY = "revoked-key";
const TIMESTAMP = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?(Z|[+-]\\d{2}:\\d{2})$";
const workflowsPath = (definitionId: string) =>
  `/api/v1/accounts/${ACCOUNT_ID}/definitions/${definitionId}/workflows`;
const authorized = { Authorization: regex("^Bearer \\S+$", `Bearer ${API_KEY}`) };

/** One instance as the CLI reads it: every field by type, timestamps by the spec's pattern. */
function instance(workflowId: string, startedAt: string, overrides: Record<string, unknown> = {}) {
  return {
    workflowId: regex("^[0-9a-f]{24}$", workflowId),
    data: like({ accountId: ACCOUNT_ID, triggeredAt: regex(TIMESTAMP, startedAt) }),
    definitionId: like(DEFINITION_ID),
    version: integer(1),
    status: regex("^(Runnable|Suspended|Complete|Terminated)$", "Complete"),
    startedAt: regex(TIMESTAMP, startedAt),
    completedAt: regex(TIMESTAMP, "2021-06-30T03:21:25.83Z"),
    ...overrides,
  };
}

const errorBody = (code: number, message: string) => ({
  code, // the code is the contract: exact
  message: like(message),
  errorId: like("2558ff83-c8db-4890-805e-ad64001857a1"),
  timestamp: regex(TIMESTAMP, "2021-07-13T01:28:37.66Z"),
});

/** `workflows …args` against the mock server; resolves with exit code and output. */
function workflows(baseUrl: string, args: string[], apiKey = API_KEY) {
  return cli(args, { baseUrl, env: { WORKFLOWS_API_KEY: apiKey, WORKFLOWS_MAX_RETRIES: "0" } });
}

const ids = (definitionId: string) => ["--account", ACCOUNT_ID, "--definition", definitionId];

const ndjsonIds = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { workflowId: string }).workflowId);

describe("pagination (offset counts pages, as the spec states)", () => {
  // Newest first: after a full page 1 the walk pins startTimeTo to its newest startedAt and version to its version.
  const rows = [
    ["60dbe307fe55d99fc083db65", "2021-06-30T03:20:39.3857479Z"],
    ["60dbe307fe55d99fc083db64", "2021-06-30T03:19:00.12Z"],
    ["60dbe307fe55d99fc083db63", "2021-06-30T03:18:00.5Z"],
    ["60dbe307fe55d99fc083db62", "2021-06-30T03:17:00.25Z"],
    ["60dbe307fe55d99fc083db61", "2021-06-30T03:16:00.125Z"],
  ] as const;
  const newest = rows[0][1];
  const state = STATES.instances({
    definitionId: DEFINITION_ID,
    instances: rows.map(([workflowId, startedAt]) => ({ workflowId, startedAt })),
  });

  it("`list --all --limit 2` walks a full first page, the next page at the next offset, and a short last page", async () => {
    const pinned = { startTimeTo: newest, version: "1" };
    const page = (offset: number, description: string) =>
      pact
        .addInteraction()
        .given(state.name, state.params)
        .uponReceiving(description)
        .withRequest("GET", workflowsPath(DEFINITION_ID), (b) =>
          b.query({ limit: "2", offset: String(offset), ...(offset > 0 ? pinned : {}) }).headers(authorized),
        )
        .willRespondWith(200, (b) =>
          // Exact ids: which instances a page holds is the contract on what offset counts.
          b.jsonBody(
            rows
              .slice(offset * 2, offset * 2 + 2)
              .map(([id, startedAt]) => instance(id, startedAt, { workflowId: id, startedAt })),
          ),
        );
    page(0, "a request for the first page of 2");
    page(1, "a request for the second page of 2, pinned to where the walk started");
    const result = await page(2, "a request for the third page of 2, which is short").executeTest((server) =>
      workflows(server.url, ["list", ...ids(DEFINITION_ID), "--all", "--limit", "2", "--format", "ndjson"]),
    );
    expect(result?.code).toBe(0);
    expect(ndjsonIds(result?.stdout ?? "")).toEqual(rows.map(([id]) => id));
  });

  it("`list --all` gets an empty list for a definition without instances", async () => {
    const empty = STATES.instances({ definitionId: EMPTY_DEFINITION_ID, instances: [] });
    const result = await pact
      .addInteraction()
      .given(empty.name, empty.params)
      .uponReceiving("a request for the first page of a definition without instances")
      .withRequest("GET", workflowsPath(EMPTY_DEFINITION_ID), (b) =>
        b.query({ limit: "100", offset: "0" }).headers(authorized),
      )
      .willRespondWith(200, (b) => b.jsonBody([]))
      .executeTest((server) =>
        workflows(server.url, ["list", ...ids(EMPTY_DEFINITION_ID), "--all", "--format", "json"]),
      );
    expect(result?.code).toBe(0);
    expect(JSON.parse(result?.stdout ?? "")).toEqual([]);
  });
});

describe("filters", () => {
  const state = STATES.mixed({ definitionId: DEFINITION_ID });
  const from = "2021-06-30T00:00:00Z";
  const to = "2021-06-30T23:59:59.9999999Z";
  const cases: {
    name: string;
    flags: string[];
    query: Record<string, string>;
    overrides: Record<string, unknown>;
  }[] = [
    {
      name: "status",
      flags: ["--status", "Terminated"],
      query: { status: "Terminated" },
      overrides: { status: "Terminated" },
    },
    { name: "version", flags: ["--version", "2"], query: { version: "2" }, overrides: { version: 2 } },
    {
      name: "startTimeFrom and startTimeTo",
      flags: ["--from", from, "--to", to],
      query: { startTimeFrom: from, startTimeTo: to },
      overrides: {},
    },
    {
      name: "status, version and both dates together",
      flags: ["--status", "Terminated", "--version", "2", "--from", from, "--to", to],
      query: { status: "Terminated", version: "2", startTimeFrom: from, startTimeTo: to },
      overrides: { status: "Terminated", version: 2 },
    },
  ];
  it.each(cases)(
    "`list` sends $name in the query string, unchanged",
    async ({ name, flags, query, overrides }) => {
      const result = await pact
        .addInteraction()
        .given(state.name, state.params)
        .uponReceiving(`a request for one page filtered by ${name}`)
        .withRequest("GET", workflowsPath(DEFINITION_ID), (b) => b.query(query).headers(authorized))
        .willRespondWith(200, (b) =>
          b.jsonBody(eachLike(instance("60dbe307fe55d99fc083db61", "2021-06-30T03:20:39.49Z", overrides))),
        )
        .executeTest((server) =>
          workflows(server.url, ["list", ...ids(DEFINITION_ID), ...flags, "--format", "json"]),
        );
      expect(result?.code).toBe(0);
      const [first] = JSON.parse(result?.stdout ?? "") as Record<string, unknown>[];
      expect(first).toMatchObject(
        Object.fromEntries(
          Object.entries(overrides).filter(([key]) => key === "status" || key === "version"),
        ),
      );
    },
  );
});

describe("errors", () => {
  it("`list` exits 4 for an unknown definition (404, code 1300)", async () => {
    const state = STATES.missing({ definitionId: UNKNOWN_DEFINITION_ID });
    const result = await pact
      .addInteraction()
      .given(state.name, state.params)
      .uponReceiving("a request for a definition that does not exist")
      .withRequest("GET", workflowsPath(UNKNOWN_DEFINITION_ID), (b) => b.headers(authorized))
      .willRespondWith(404, (b) =>
        b.jsonBody(errorBody(1300, `Definition ${UNKNOWN_DEFINITION_ID} not found.`)),
      )
      .executeTest((server) => workflows(server.url, ["list", ...ids(UNKNOWN_DEFINITION_ID)]));
    expect(result?.code).toBe(4);
    expect(result?.stderr).toContain(`Definition ${UNKNOWN_DEFINITION_ID} not found.`);
  });

  it("`list` exits 3 for an API key that is not valid (401, code 1200)", async () => {
    const state = STATES.invalidKey({ apiKey: INVALID_KEY });
    const result = await pact
      .addInteraction()
      .given(state.name, state.params)
      .uponReceiving("a request with an API key that is not valid")
      .withRequest("GET", workflowsPath(DEFINITION_ID), (b) =>
        b.headers({ Authorization: `Bearer ${INVALID_KEY}` }),
      )
      .willRespondWith(401, (b) => b.jsonBody(errorBody(1200, "Unauthorized.")))
      .executeTest((server) => workflows(server.url, ["list", ...ids(DEFINITION_ID)], INVALID_KEY));
    expect(result?.code).toBe(3);
    expect(result?.stderr).not.toContain(INVALID_KEY);
  });
});
