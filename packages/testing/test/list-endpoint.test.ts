import { generateInstances } from "@workflows-kit/provider";
import { describe, expect, it } from "vitest";
import { createListEndpoint, createObservedFetch, workflowsPath } from "../src/index.js";

const ids = { accountId: "acme", definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230" };
const base = `http://api.test${workflowsPath(ids)}`;
const auth = { headers: { authorization: "Bearer k" } };

async function page(endpoint: ReturnType<typeof createListEndpoint>, query: string) {
  const { fetch } = createObservedFetch(endpoint.handler);
  const response = await fetch(`${base}${query}`, auth);
  return { status: response.status, body: (await response.json()) as { workflowId: string }[] };
}

describe("createListEndpoint", () => {
  const instances = generateInstances({ seed: 3, ...ids, count: 25, versions: 1 });

  it("pages newest first, offset in pages by default, in items when configured", async () => {
    const pages = createListEndpoint({ instances });
    const items = createListEndpoint({ instances, offsetUnit: "items" });
    const all = pages.instances().map((i) => i.workflowId);
    expect((await page(pages, "?limit=10&offset=2")).body.map((i) => i.workflowId)).toEqual(all.slice(20));
    expect((await page(items, "?limit=10&offset=2")).body.map((i) => i.workflowId)).toEqual(all.slice(2, 12));
  });

  it("filters by status and the inclusive date range, and serves a later insert first among equals", async () => {
    const endpoint = createListEndpoint({ instances });
    const [newest] = endpoint.instances();
    const twin = { ...(newest as (typeof instances)[number]), workflowId: "ffffffffffffffffffffffff" };
    endpoint.insert([twin]);
    const at = encodeURIComponent(twin.startedAt);
    const { body } = await page(endpoint, `?startTimeFrom=${at}&startTimeTo=${at}`);
    expect(body.map((i) => i.workflowId)).toEqual([twin.workflowId, newest?.workflowId]);
    const complete = await page(endpoint, "?status=Complete&limit=500");
    expect(complete.body.length).toBe(endpoint.instances().filter((i) => i.status === "Complete").length);
  });

  it("answers 400 for a parameter the spec rejects and 401 without a key", async () => {
    const endpoint = createListEndpoint({ instances });
    expect((await page(endpoint, "?limit=0")).status).toBe(400);
    const { fetch } = createObservedFetch(endpoint.handler);
    expect((await fetch(base)).status).toBe(401);
  });
});
