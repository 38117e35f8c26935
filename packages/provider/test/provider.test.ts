import type { ApiErrorBody, WorkflowInstance } from "@workflows-kit/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataset, generateInstances, type Provider, startProvider } from "../src/index.js";

const accountId = "acme";
const definitionId = "5870442f-3ddd-4657-b74c-6e17308f5230";
const emptyId = "2aa9465e-dec7-4c3e-8fa6-bd168af9eaca";
const base = `/api/v1/accounts/${accountId}/definitions/${definitionId}/workflows`;
const instances = generateInstances({ seed: 3, accountId, definitionId, count: 60, versions: 2 });
let provider: Provider;

beforeAll(async () => {
  provider = await startProvider({
    apiKeys: ["good-key"],
    definitions: [
      { definitionId, accountId, instances },
      { definitionId: emptyId, accountId, instances: [] },
    ],
  });
});
afterAll(() => provider.close());

async function get(path: string, key: string | null = "good-key") {
  const response = await fetch(
    `${provider.url}${path}`,
    key ? { headers: { authorization: `Bearer ${key}` } } : {},
  );
  return { status: response.status, body: (await response.json()) as unknown };
}
const list = async (query: string) => (await get(`${base}?${query}`)).body as WorkflowInstance[];
const latest = instances.filter((i) => i.version === 2);

describe("reference provider", () => {
  it("serves the latest version newest first with the spec's default limit", async () => {
    const { status, body } = await get(base);
    expect(status).toBe(200);
    expect(body).toEqual(latest.slice(0, 100));
    const started = (body as WorkflowInstance[]).map((i) => Date.parse(i.startedAt));
    expect(started).toEqual([...started].sort((a, b) => b - a));
  });

  it("counts offset in pages of limit items, as the spec states", async () => {
    expect(await list("limit=7&offset=2")).toEqual(latest.slice(14, 21));
  });

  it("counts offset in items when told to play such a server", async () => {
    const items = await startProvider({
      definitions: [{ definitionId, accountId, instances }],
      offsetUnit: "items",
    });
    try {
      const response = await fetch(`${items.url}${base}?limit=7&offset=2`, {
        headers: { authorization: "Bearer k" },
      });
      expect(await response.json()).toEqual(latest.slice(2, 9));
    } finally {
      await items.close();
    }
  });

  it.each([
    ["version=1", (i: WorkflowInstance) => i.version === 1],
    ["status=Complete", (i: WorkflowInstance) => i.version === 2 && i.status === "Complete"],
  ])("filters by %s", async (query, keep) => {
    expect(await list(`limit=500&${query}`)).toEqual(instances.filter(keep));
  });

  it("treats startTimeFrom and startTimeTo as inclusive, at 100 ns precision", async () => {
    const [a, b] = [latest[9], latest[3]] as [WorkflowInstance, WorkflowInstance];
    const query = `limit=500&startTimeFrom=${encodeURIComponent(a.startedAt)}&startTimeTo=${encodeURIComponent(b.startedAt)}`;
    expect(await list(query)).toEqual(latest.slice(3, 10));
  });

  it("answers [] for a definition without instances", async () => {
    const { status, body } = await get(`/api/v1/accounts/${accountId}/definitions/${emptyId}/workflows`);
    expect([status, body]).toEqual([200, []]);
  });

  it.each([
    ["no bearer key", base, null, 401, 1200, "Unauthorized."],
    ["an unknown bearer key", base, "bad-key", 401, 1200, "Unauthorized."],
    [
      "a non-UUID definition id",
      `/api/v1/accounts/${accountId}/definitions/nope/workflows`,
      "good-key",
      400,
      1000,
      "Invalid definition id.",
    ],
    [
      "an unknown definition",
      `/api/v1/accounts/${accountId}/definitions/${emptyId.replace("2", "3")}/workflows`,
      "good-key",
      404,
      1300,
      `Definition ${emptyId.replace("2", "3")} not found.`,
    ],
    [
      "a definition of another account",
      `/api/v1/accounts/other/definitions/${definitionId}/workflows`,
      "good-key",
      404,
      1300,
      `Definition ${definitionId} not found.`,
    ],
    ["limit=0", `${base}?limit=0`, "good-key", 400, 1000, "Invalid limit: must be an integer from 1 to 500."],
    [
      "limit=abc",
      `${base}?limit=abc`,
      "good-key",
      400,
      1000,
      "Invalid limit: must be an integer from 1 to 500.",
    ],
    ["offset=-1", `${base}?offset=-1`, "good-key", 400, 1000, "Invalid offset: must be an integer >= 0."],
    ["version=0", `${base}?version=0`, "good-key", 400, 1000, "Invalid version: must be an integer >= 1."],
    [
      "status=Done",
      `${base}?status=Done`,
      "good-key",
      400,
      1000,
      "Invalid status: must be one of Runnable, Suspended, Complete, Terminated.",
    ],
    [
      "an unparseable date",
      `${base}?startTimeFrom=yesterday`,
      "good-key",
      400,
      1000,
      "Invalid startTimeFrom: must be an ISO 8601 date-time such as 2021-06-30T03:20:39.3857479Z.",
    ],
  ])("answers %s with %i / %i in the spec's error shape", async (_, path, key, status, code, message) => {
    const response = await get(path, key);
    expect(response.status).toBe(status);
    const body = response.body as ApiErrorBody;
    expect(body).toEqual({ code, message, errorId: expect.any(String), timestamp: expect.any(String) });
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
  });

  it("puts inserted instances first and keeps the order stable", async () => {
    const fresh = generateInstances({ seed: 4, accountId, definitionId, count: 2, newest: new Date() }).map(
      (i) => ({
        ...i,
        version: 2,
      }),
    );
    const before = await list("limit=3");
    provider.insertInstances(definitionId, fresh);
    expect(await list("limit=5")).toEqual([...fresh, ...before]);
    provider.setDefinition({ definitionId, accountId, instances });
  });

  it("serves bare instances, grouped by definition and account", async () => {
    const other = await startProvider({ instances });
    try {
      const response = await fetch(`${other.url}${base}?limit=500&version=1`, {
        headers: { authorization: "Bearer k" },
      });
      expect(await response.json()).toEqual(instances.filter((i) => i.version === 1));
      expect(other.definitions().map((d) => [d.definitionId, d.accountId])).toEqual([
        [definitionId, accountId],
      ]);
    } finally {
      await other.close();
    }
  });

  it("generates the same demo data set from the same seed", () => {
    const [a, b] = [generateDataset(5), generateDataset(5)];
    expect(a).toEqual(b);
    expect(a.map((d) => d.instances.length)).toEqual([2500, 1200, 0]);
    expect(generateDataset(6)[0]?.instances[0]).not.toEqual(a[0]?.instances[0]);
  });
});
