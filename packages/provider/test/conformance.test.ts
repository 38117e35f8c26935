// The provider cannot drift from the spec: every answer it gives, success or error, must have a
// status the spec documents and a body valid against that status's schema (in memory, through
// the fetch adapter: the same handler as the server).
import { loadSpec, valueValidator } from "@workflows-kit/spec/validate";
import { describe, expect, it } from "vitest";
import { createProviderFetch, generateInstances } from "../src/index.js";

const spec = loadSpec();
const validate = valueValidator(spec);
const OPERATION = "/paths/~1api~1v1~1accounts~1{accountId}~1definitions~1{definitionId}~1workflows/get";
type SpecResponse = { $ref?: string; headers?: Record<string, { required?: boolean }> };
const responses = (spec.paths as Record<string, { get: { responses: Record<string, SpecResponse> } }>)[
  "/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows"
]?.get.responses;

// Smaller than the demo set, so the unit suite stays light: 550 instances in each of two versions,
// enough for a full page of 500 of the latest and of the older one.
const accountId = "demo-account";
const definitionId = "08ff49b6-f772-4632-a716-c43069c43a8c";
const big = {
  definitionId,
  accountId,
  instances: generateInstances({ seed: 7, accountId, definitionId, count: 1_100, versions: 2 }),
};
const empty = { definitionId: "0d4e8eb2-af2f-4261-865a-881cd424e42a", accountId, instances: [] };
const path = (definitionId: string, query = "") =>
  `/api/v1/accounts/${accountId}/definitions/${definitionId}/workflows${query}`;
const fetch = createProviderFetch({ definitions: [big, empty], apiKeys: ["k"] });

/** Where the spec keeps the response for a key: under the operation, or where its `$ref` leads. */
const responsePointer = (status: string) =>
  responses?.[status]?.$ref?.slice(1) ?? `${OPERATION}/responses/${status}`;
const responseAt = (status: string) =>
  responsePointer(status)
    .split("/")
    .slice(1)
    .map((key) => key.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], spec) as
    | SpecResponse
    | undefined;
const responseHeaders = (status: string) => responseAt(status)?.headers ?? {};

/** The response key the spec documents for a status: exact, else its range (5XX). */
function documented(status: number): string | undefined {
  const exact = String(status);
  if (responses && exact in responses) return exact;
  const range = `${exact[0]}XX`;
  return responses && range in responses ? range : undefined;
}

/** Status documented, JSON, body valid against that status's schema, and the headers it requires. */
async function expectDocumented(response: Response): Promise<void> {
  const status = documented(response.status);
  expect(status, `status ${response.status} is not documented`).toBeDefined();
  expect(response.headers.get("content-type")).toBe("application/json");
  const required = Object.entries(responseHeaders(status as string))
    .filter(([, header]) => header.required)
    .map(([name]) => name);
  for (const name of required) expect(response.headers.get(name), `header ${name}`).toMatch(/^\d+$/);
  const schema = `${responsePointer(status as string)}/content/application~1json/schema`;
  expect(validate(schema, await response.json())).toEqual([]);
}

describe("every answer of the provider is one the spec documents", () => {
  it.each([
    ["the default page", path(big.definitionId), "k"],
    ["a full page of 500", path(big.definitionId, "?limit=500"), "k"],
    ["a later page", path(big.definitionId, "?limit=50&offset=7"), "k"],
    ["a page past the end", path(big.definitionId, "?limit=500&offset=99"), "k"],
    [
      "every filter",
      path(
        big.definitionId,
        "?status=Terminated&version=1&startTimeFrom=2026-10-01T00:00:00Z&startTimeTo=2026-11-01T00:00:00.0000001Z",
      ),
      "k",
    ],
    ["an older version", path(big.definitionId, "?version=1&limit=500"), "k"],
    ["a definition without instances", path(empty.definitionId), "k"],
    ["a non-UUID definition id", path("nope"), "k"],
    ["an unknown definition", path("2aa9465e-dec7-4c3e-8fa6-bd168af9eaca"), "k"],
    ["a bad limit", path(big.definitionId, "?limit=0"), "k"],
    ["a bad date", path(big.definitionId, "?startTimeTo=2021-02-30T00:00:00Z"), "k"],
    ["a wrong key", path(big.definitionId), "wrong"],
  ])("%s", async (_, url, key) => {
    await expectDocumented(
      await fetch(`http://provider.test${url}`, { headers: { authorization: `Bearer ${key}` } }),
    );
  });

  it.each([
    ["a rate limit (failNext 429)", { status: 429, retryAfterSeconds: 2 }],
    ["a server failure (failNext 500)", { status: 500 }],
    ["a gateway failure (failNext 503)", { status: 503, message: "Upstream unavailable." }],
  ])("%s", async (_, fault) => {
    fetch.store.failNext(1, fault);
    const response = await fetch(`http://provider.test${path(big.definitionId)}`, {
      headers: { authorization: "Bearer k" },
    });
    expect(response.status).toBe(fault.status);
    await expectDocumented(response);
  });

  it("the check bites: a body with an undocumented status value is reported", () => {
    const [instance] = big.instances;
    const errors = validate(`${OPERATION}/responses/200/content/application~1json/schema`, [
      { ...instance, status: "Done" },
    ]);
    expect(errors.join("\n")).toContain("must be equal to one of the allowed values");
  });
});
