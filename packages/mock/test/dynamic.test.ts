// Dynamic mode: json-schema-faker generates each body from the spec's schemas, seeded for reproducibility.
import { NotFoundError, type WorkflowInstance } from "@workflows-kit/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockServer, type PreferOptions, prefer as preferHeader, startMock } from "../src/index.js";
import { errorViolations, ids, instancesExample, mockClient, PATH, pageViolations } from "./support.js";

// Any string works; this one happens to generate a non-empty page (the array length is random too).
const SEED = "workflows-kit";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ dynamic: true, seed: SEED });
});
afterAll(async () => {
  await mock.close();
});

async function page(url: string, prefer?: PreferOptions): Promise<WorkflowInstance[]> {
  const { client } = mockClient(url);
  return client.listWorkflowInstances(ids, {
    headers: prefer ? { Prefer: preferHeader(prefer) } : undefined,
  });
}

describe("dynamic mode with a seed", () => {
  it("generates data that is valid against the spec's schema (Ajv, JSON Schema 2020-12)", async () => {
    const instances = await page(mock.url);
    expect(instances.length).toBeGreaterThan(0);
    expect(pageViolations(instances)).toEqual([]);
    // Not the static examples: generated.
    expect(instances).not.toEqual(instancesExample("twoInstances"));
    // The checker bites.
    expect(pageViolations([{ ...instances[0], workflowId: "not-hex", completedAt: undefined }])).toEqual([
      "/0 must have required property 'completedAt'",
      '/0/workflowId must match pattern "^[0-9a-f]{24}$"',
    ]);
  });

  it("passes Prism's own response validation (no sl-violations header)", async () => {
    const { client, recorder } = mockClient(mock.url);
    await client.listWorkflowInstances(ids);
    expect(recorder.last().responseHeaders.get("sl-violations")).toBeNull();
  });

  it("answers the same data to every request with the same seed", async () => {
    const [first, second] = [await page(mock.url), await page(mock.url)];
    expect(second).toEqual(first);
  });

  it("answers the same data after a restart with the same seed (reproducible runs)", async () => {
    const before = await page(mock.url);
    const again = await startMock({ dynamic: true, seed: SEED });
    try {
      expect(again.url).not.toBe(mock.url);
      expect(await page(again.url)).toEqual(before);
    } finally {
      await again.close();
    }
  });

  it("Prefer: seed= overrides the server's seed for one request", async () => {
    const other = await page(mock.url, { seed: "another-seed" });
    expect(pageViolations(other)).toEqual([]);
    expect(other).not.toEqual(await page(mock.url));
    expect(await page(mock.url, { seed: "another-seed" })).toEqual(other);
  });

  it("Prefer: dynamic=false serves the spec's examples from a dynamic server", async () => {
    expect(await page(mock.url, { dynamic: false })).toEqual(instancesExample("twoInstances"));
  });

  it("error statuses get generated bodies in the spec's error shape", async () => {
    const { client, recorder } = mockClient(mock.url);
    const error = await client
      .listWorkflowInstances(ids, { headers: { Prefer: preferHeader({ code: 404 }) } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(typeof (error as NotFoundError).code).toBe("number");
    expect(errorViolations(JSON.parse(recorder.last().body))).toEqual([]);
  });

  it("a static server generates the same data on Prefer: dynamic=true with the same seed", async () => {
    const staticMock = await startMock();
    try {
      expect(await page(staticMock.url)).toEqual(instancesExample("twoInstances"));
      expect(await page(staticMock.url, { dynamic: true, seed: SEED })).toEqual(await page(mock.url));
    } finally {
      await staticMock.close();
    }
  });

  it("invalid requests still answer the spec's 400 example", async () => {
    const response = await fetch(`${mock.url}${PATH}?limit=0`, { headers: { authorization: "Bearer k" } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 1000, message: "Invalid definition id." });
  });
});
