// The matrix comes from the pact files alone (plus the spec's path templates), for any consumer.
import path from "node:path";
import { loadSpec } from "@workflows-kit/spec";
import { describe, expect, it } from "vitest";
import {
  columnName,
  contractMatrix,
  contractsMdUpdates,
  dependenciesOf,
  MATRIX_BEGIN,
  MATRIX_END,
  renderConsumerMarkdown,
  withMatrix,
} from "../src/matrix.js";
import { type PactInteraction, type PactSource, ranges } from "../src/pacts.js";

const spec = loadSpec();
const PATH = "/api/v1/accounts/acme/definitions/5870442f-3ddd-4657-b74c-6e17308f5230/workflows";
const OPERATION = "GET /api/v1/accounts/{accountId}/definitions/{definitionId}/workflows";

const page: PactInteraction = {
  description: "a page of terminated instances",
  providerStates: [{ name: "definition {definitionId} has instances", params: {} }],
  request: {
    method: "GET",
    path: PATH,
    query: { status: ["Terminated"], startTimeFrom: ["2021-06-30T00:00:00Z"] },
  },
  response: {
    status: 200,
    headers: { "Content-Type": ["application/json"] },
    body: {
      content: [{ workflowId: "60dbe307fe55d99fc083db61", data: { accountId: "a" } }],
      contentType: "application/json",
    },
  },
};
const limited: PactInteraction = {
  description: "a rate-limited request",
  request: { method: "GET", path: PATH, headers: { authorization: ["Bearer k"] } },
  response: { status: 429, headers: { "Retry-After": ["2"] }, body: { code: 1100 } },
};

function source(
  consumer: string,
  interactions: PactInteraction[],
  dir = `/repo/packages/${consumer}`,
): PactSource {
  return {
    file: path.join(dir, "pacts", `${consumer}-workflows-api.json`),
    packageDir: dir,
    pact: { consumer: { name: consumer }, provider: { name: "workflows-api" }, interactions },
  };
}

describe("ranges", () => {
  it.each([
    [[1, 2, 3, 5], "#1–3, #5"],
    [[2], "#2"],
    [[4, 2, 3, 3], "#2–4"],
    [[], ""],
  ])("%j → %s", (numbers, text) => expect(ranges(numbers)).toBe(text));
});

describe("dependenciesOf", () => {
  it("names path and query parameters, headers, the status and every response field", () => {
    const { operation, dependencies } = dependenciesOf(page, spec);
    expect(operation).toBe(OPERATION);
    expect(dependencies.map((d) => `${d.kind}: ${d.label}`)).toEqual([
      "parameter: path parameter accountId",
      "parameter: path parameter definitionId",
      "parameter: query parameter status",
      "parameter: query parameter startTimeFrom",
      "status: response 200",
      "header: response 200 header Content-Type",
      "field: response 200 body",
      "field: response 200 body[]",
      "field: response 200 body[].workflowId",
      "field: response 200 body[].data",
      "field: response 200 body[].data.accountId",
    ]);
  });

  it("reads Pact V2 bodies and response headers such as Retry-After", () => {
    const labels = dependenciesOf(limited, spec).dependencies.map((d) => d.label);
    expect(labels).toEqual(
      expect.arrayContaining(["response 429 header Retry-After", "response 429 body.code"]),
    );
    expect(labels).toContain("request header authorization");
  });

  it("says so when the spec has no such operation", () => {
    const odd = { ...page, request: { method: "POST", path: "/nowhere" } };
    expect(dependenciesOf(odd, spec).operation).toBe("POST /nowhere (not in the spec)");
  });
});

describe("contractMatrix", () => {
  it("has one column per consumer and the interaction numbers each depends on", () => {
    const matrix = contractMatrix(
      [source("workflows-cli", [page, limited]), source("workflows-monitor", [limited, page, page])],
      spec,
    );
    expect(matrix.columns.map((c) => columnName(matrix, c))).toEqual(["workflows-cli", "workflows-monitor"]);
    const uses = (label: string) => matrix.rows.find((r) => r.label === label)?.uses.map((u) => ranges(u));
    expect(uses("path parameter accountId")).toEqual(["#1–2", "#1–3"]);
    expect(uses("query parameter status")).toEqual(["#1", "#2–3"]);
    expect(uses("response 429 header Retry-After")).toEqual(["#2", "#1"]);
    // headers are one row whatever their case
    expect(matrix.rows.filter((r) => r.label.toLowerCase() === "request header authorization")).toHaveLength(
      1,
    );
    // parameters first, then headers, statuses, fields
    expect([...new Set(matrix.rows.map((r) => r.kind))]).toEqual(["parameter", "header", "status", "field"]);
  });
});

describe("CONTRACTS.md", () => {
  const generated = renderConsumerMarkdown([source("workflows-monitor", [page, limited])], spec);

  it("lists the interactions as numbered in the file and the matrix of one consumer", () => {
    const rows = generated.split("\n").map((line) => line.replace(/ +\|/g, " |"));
    expect(rows).toContain(
      "| 1 | a page of terminated instances | definition {definitionId} has instances | `GET /api/v1/accounts/acme/definitions/5870442f-3ddd-4657-b74c-6e17308f5230/workflows?status=Terminated&startTimeFrom=2021-06-30T00:00:00Z` | 200 |",
    );
    expect(rows).toContain("| header | `response 429 header Retry-After` | #2 |");
    // laid out as Biome formats Markdown tables, so the package's lint and the check agree
    expect(generated).toContain("| --- | ------------------------------ |");
  });

  it("replaces the generated section, appends it, or starts a file", () => {
    const old = `# Contracts\n\nprose\n\n${MATRIX_BEGIN}\nstale\n${MATRIX_END}\n\nmore prose\n`;
    const replaced = withMatrix(old, generated, "x");
    expect(replaced).toContain(generated);
    expect(replaced).not.toContain("stale");
    expect(replaced.endsWith("\n\nmore prose\n")).toBe(true);
    expect(withMatrix(replaced, generated, "x")).toBe(replaced);
    expect(withMatrix("# Mine\n", generated, "x")).toMatch(/^# Mine\n\n## Contract matrix\n\n<!-- BEGIN/);
    expect(withMatrix(undefined, generated, "Contracts of m")).toMatch(/^# Contracts of m\n/);
  });

  it("finds the consumer packages whose CONTRACTS.md is stale", () => {
    const sources = [source("workflows-cli", [page]), source("workflows-monitor", [limited])];
    const current = withMatrix("# cli\n", renderConsumerMarkdown([sources[0] as PactSource], spec), "");
    const files: Record<string, string> = { "/repo/packages/workflows-cli/CONTRACTS.md": current };
    const updates = contractsMdUpdates(sources, spec, (file) => files[file]);
    expect(updates.map((u) => [path.basename(path.dirname(u.file)), u.current === u.expected])).toEqual([
      ["workflows-cli", true],
      ["workflows-monitor", false],
    ]);
  });
});
