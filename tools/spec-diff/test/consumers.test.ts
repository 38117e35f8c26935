// Breaking changes name the consumers they break: each change applied alone to the base, every pact
// checked against the result by both of PactFlow's validators (contract-check).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkPacts, warmUp } from "@workflows-kit/contract-check";
import { loadSpec } from "@workflows-kit/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSpecsDetailed, type SpecChange } from "../src/classify.js";
import { cachedCheck, findBrokenConsumers } from "../src/consumers.js";
import { viewToSpec } from "../src/denormalize.js";
import { normalizeSpec } from "../src/normalize.js";
import { consumersText } from "../src/report.js";
import { writePacts } from "./pacts.js";

type Dict = Record<string, unknown>;
const root = mkdtempSync(path.join(tmpdir(), "spec-diff-consumers-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const pacts = writePacts(root);
const original = loadSpec() as Dict;
const OP = "/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows";
const EU = "https://automation.eu.8x8.com";

beforeAll(() => warmUp({ document: original }));

function at(doc: Dict, dotted: string): Dict {
  return dotted.split(".").reduce((d, k) => (d as Dict)[k] as Dict, doc as unknown) as Dict;
}

describe("the client view back as an OpenAPI document", () => {
  it("normalises to the same view (nothing a validator reads is lost)", () => {
    const { view, labels } = normalizeSpec(original);
    expect(normalizeSpec(viewToSpec(view, labels)).view).toEqual(view);
  });

  it("has no finding on pacts the spec allows (the baseline every change is checked against)", async () => {
    const { view, labels } = normalizeSpec(original);
    expect(await checkPacts({ document: viewToSpec(view, labels) }, pacts)).toEqual([]);
  });
});

describe("findBrokenConsumers", () => {
  const renamed = () => {
    const after = structuredClone(original);
    const instance = at(after, "components.schemas.WorkflowInstance") as {
      required: string[];
      properties: Dict;
    };
    const rename = (n: string) => (n === "startedAt" ? "startTime" : n);
    instance.required = instance.required.map(rename);
    instance.properties = Object.fromEntries(
      Object.entries(instance.properties).map(([n, s]) => [rename(n), s]),
    );
    return after;
  };
  const lines = (changes: SpecChange[]) =>
    changes.map(
      (c) =>
        `${c.breaking ? "BREAKING" : "non-breaking"} ${c.location} [${c.kind}] → ${consumersText(c) ?? "-"}`,
    );

  // One validator run per test (≈0.5 s idle, several times that under a loaded `pnpm test`): the
  // base is checked first, each change alone next, and the combined diffs last answer from the cache.
  it("checks the base once, first", async () => {
    const diff = diffSpecsDetailed(original, renamed());
    expect(await cachedCheck(viewToSpec(diff.base.view, diff.labels), pacts)).toEqual([]);
  });

  it("blames a renamed field on the interactions that read it", async () => {
    const diff = diffSpecsDetailed(original, renamed());
    const check = await findBrokenConsumers(diff, pacts, root);
    expect(check).toEqual({
      pacts: [
        "packages/cli/pacts/workflows-cli-workflows-api.json",
        "packages/monitor/pacts/workflows-monitor-workflows-api.json",
      ],
      problems: [],
    });
    expect(lines(diff.changes)).toEqual([
      "BREAKING response 200 (application/json) body[].startedAt [field-renamed] → breaks workflows-cli #1–2, workflows-monitor #2",
    ]);
    expect(diff.changes[0]?.breaks?.[0]).toEqual({
      consumer: "workflows-cli",
      provider: "workflows-api",
      pact: "packages/cli/pacts/workflows-cli-workflows-api.json",
      interactions: [
        { number: 1, description: "a page" },
        { number: 2, description: "a page filtered by status" },
      ],
    });
  });

  it("says no consumer pins a new default server", async () => {
    const diff = diffSpecsDetailed(original, { ...structuredClone(original), servers: [{ url: EU }] });
    await findBrokenConsumers(diff, pacts, root);
    expect(lines(diff.changes)).toEqual([
      "BREAKING servers (default base URL) [server-default-changed] → no consumer pins it",
    ]);
  });

  it("checks each breaking change of one diff alone", async () => {
    const after = renamed();
    after.servers = [{ url: EU }];
    const diff = diffSpecsDetailed(original, after);
    await findBrokenConsumers(diff, pacts, root);
    expect(lines(diff.changes)).toEqual([
      "BREAKING response 200 (application/json) body[].startedAt [field-renamed] → breaks workflows-cli #1–2, workflows-monitor #2",
      "BREAKING servers (default base URL) [server-default-changed] → no consumer pins it",
    ]);
  });

  const withoutTerminated = () => {
    const after = structuredClone(original);
    at(after, "components.schemas.WorkflowStatus").enum = ["Runnable", "Suspended", "Complete"];
    return after;
  };
  const without404 = (after = structuredClone(original)) => {
    const get = (at(after, "paths")[OP] as Dict).get as { responses: Dict };
    delete get.responses["404"];
    return after;
  };

  it("blames a removed enum value on the interactions that send it", async () => {
    const diff = diffSpecsDetailed(original, withoutTerminated());
    await findBrokenConsumers(diff, pacts, root);
    expect(lines(diff.changes)).toEqual([
      // #1 of the monitor sends status too, but gets a 429: both validators skip the requests of error answers.
      "BREAKING query parameter status [enum-value-removed] → breaks workflows-cli #2, workflows-monitor #2",
      "non-breaking response 200 (application/json) body[].status [enum-value-removed] → -",
    ]);
  });

  it("blames a removed status on its own interaction only", async () => {
    const diff = diffSpecsDetailed(original, without404());
    await findBrokenConsumers(diff, pacts, root);
    expect(lines(diff.changes)).toEqual(["BREAKING response 404 [status-removed] → breaks workflows-cli #3"]);
  });

  it("keeps each blame when both changes come in one diff", async () => {
    const diff = diffSpecsDetailed(original, without404(withoutTerminated()));
    await findBrokenConsumers(diff, pacts, root);
    expect(lines(diff.changes)).toEqual([
      "BREAKING query parameter status [enum-value-removed] → breaks workflows-cli #2, workflows-monitor #2",
      "non-breaking response 200 (application/json) body[].status [enum-value-removed] → -",
      "BREAKING response 404 [status-removed] → breaks workflows-cli #3",
    ]);
  });

  const without429Headers = (after = structuredClone(original)) => {
    const get = (at(after, "paths")[OP] as Dict).get as { responses: Record<string, Dict> };
    delete get.responses["429"]?.headers;
    return after;
  };
  const withApiKeyScheme = (after = structuredClone(original)) => {
    at(after, "components.securitySchemes").bearerAuth = { type: "apiKey", in: "header", name: "X-API-Key" };
    return after;
  };
  const kinds = (changes: SpecChange[]) => changes.map((c) => `${c.kind} → ${consumersText(c)}`);

  it("blames a removed header on the interaction that reads it", async () => {
    const diff = diffSpecsDetailed(original, without429Headers());
    await findBrokenConsumers(diff, pacts, root);
    expect(kinds(diff.changes)).toEqual(["header-removed → breaks workflows-monitor #1"]);
  });

  it("blames a changed security scheme on the interactions that authenticate", async () => {
    const diff = diffSpecsDetailed(original, withApiKeyScheme());
    await findBrokenConsumers(diff, pacts, root);
    // error answers: see above
    expect(kinds(diff.changes)).toEqual([
      "security-scheme-changed → breaks workflows-cli #1–2, workflows-monitor #2",
    ]);
  });

  it("keeps the header's and the scheme's blame apart in one diff", async () => {
    const diff = diffSpecsDetailed(original, withApiKeyScheme(without429Headers()));
    await findBrokenConsumers(diff, pacts, root);
    expect(kinds(diff.changes)).toEqual([
      "header-removed → breaks workflows-monitor #1",
      "security-scheme-changed → breaks workflows-cli #1–2, workflows-monitor #2",
    ]);
  });

  it("does nothing without breaking changes or pacts", async () => {
    const after = structuredClone(original);
    at(after, "components.parameters.limit.schema").maximum = 1000;
    const diff = diffSpecsDetailed(original, after);
    expect(await findBrokenConsumers(diff, pacts, root)).toMatchObject({ problems: [] });
    expect(diff.changes.map((c) => c.breaks)).toEqual([undefined]);
    const breaking = diffSpecsDetailed(original, { ...structuredClone(original), servers: [] });
    expect(await findBrokenConsumers(breaking, [], root)).toEqual({ pacts: [], problems: [] });
    expect(breaking.changes.map((c) => consumersText(c))).toEqual([undefined]);
  });
});
