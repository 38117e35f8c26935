// Both validators really run: the consumers' pacts pass as they are, and a mutated spec or a mutated
// pact fails each of them, naming the interaction.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findPactFiles, loadSpec, workspaceRoot as root, specPath } from "@workflows-kit/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPacts, type Finding, formatFindings, VALIDATORS, warmUp } from "../src/check.js";
import type { Pact } from "../src/pacts.js";

type Dict = Record<string, unknown>;
const CLI_PACT = path.join(root, "packages/cli/pacts/workflows-cli-workflows-api.json");
const OPERATION = "/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows";
const scratch = mkdtempSync(path.join(tmpdir(), "contract-check-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const pacts = await findPactFiles();
beforeAll(async () => {
  await warmUp({ document: loadSpec(), file: specPath });
});

const byValidator = (findings: Finding[]) =>
  VALIDATORS.map((v) => [v, findings.filter((f) => f.validator === v)] as const);
const numbered = (pact: Pact, description: string) =>
  pact.interactions.findIndex((i) => i.description === description) + 1;
const readPact = () => JSON.parse(readFileSync(CLI_PACT, "utf8")) as Pact;

/** The CLI's pact cut to the interactions a test needs (each one costs swagger-mock-validator ≈0.1 s). */
function trimmed(keep: (description: string) => boolean): { file: string; pact: Pact } {
  const pact = readPact();
  pact.interactions = pact.interactions.filter((i) => keep(i.description));
  const file = path.join(scratch, `trimmed-${pact.interactions.length}.json`);
  writeFileSync(file, JSON.stringify(pact));
  return { file, pact };
}

describe("contract:check", () => {
  it("finds every consumer's pact, the CLI's among them", () => {
    expect(pacts).toContain(CLI_PACT);
  });

  it.each(pacts.map((pact) => path.relative(root, pact)))(
    "%s has zero findings, errors or warnings, from openapi-pact-comparator",
    async (pact) => {
      const findings = await checkPacts(
        { document: loadSpec(), file: specPath },
        [path.join(root, pact)],
        ["openapi-pact-comparator"],
      );
      expect(findings).toEqual([]);
    },
  );

  // swagger-mock-validator compiles its schemas per interaction (≈0.1 s each, more on a busy machine):
  // one interaction per test keeps each test small.
  const single = pacts.flatMap((file) => {
    const pact = JSON.parse(readFileSync(file, "utf8")) as Pact;
    return pact.interactions.map((interaction, index) => {
      const copy = path.join(scratch, `${path.basename(file, ".json")}-${index + 1}.json`);
      writeFileSync(copy, JSON.stringify({ ...pact, interactions: [interaction] }));
      return [`${path.relative(root, file)} #${index + 1}`, interaction.description, copy] as const;
    });
  });
  it.each(single)(
    "%s (%s) has zero findings, errors or warnings, from swagger-mock-validator",
    async (_, __, copy) => {
      expect(
        await checkPacts({ document: loadSpec(), file: specPath }, [copy], ["swagger-mock-validator"]),
      ).toEqual([]);
    },
  );

  it("fails each validator on a spec that renames a field, drops an enum value and a status", async () => {
    const spec = loadSpec() as Dict;
    const schemas = (spec.components as Dict).schemas as Dict;
    const instance = schemas.WorkflowInstance as { required: string[]; properties: Dict };
    const rename = (name: string) => (name === "startedAt" ? "startTime" : name);
    instance.required = instance.required.map(rename);
    instance.properties = Object.fromEntries(
      Object.entries(instance.properties).map(([n, s]) => [rename(n), s]),
    );
    (schemas.WorkflowStatus as { enum: string[] }).enum = ["Runnable", "Suspended", "Complete"];
    const get = ((spec.paths as Dict)[OPERATION] as Dict).get as { responses: Dict };
    delete get.responses["404"];

    const { file, pact } = trimmed((d) => d.includes("does not exist") || d.endsWith("filtered by status"));
    const findings = await checkPacts({ document: spec }, [file]);
    const notFound = numbered(pact, "a request for a definition that does not exist");
    const byStatus = numbered(pact, "a request for one page filtered by status");
    for (const [validator, found] of byValidator(findings)) {
      const lines = formatFindings(found, root).join("\n");
      // The renamed field: every page of instances carries startedAt, which the spec no longer has.
      expect(lines, validator).toMatch(/additional properties.*startedAt/);
      // The removed status: 404 is no longer documented.
      expect(
        found.some((f) => f.number === notFound && f.code === "response.status.unknown"),
        lines,
      ).toBe(true);
      // The removed enum value: the status filter sends Terminated.
      expect(
        found.some((f) => f.number === byStatus && f.code === "request.query.incompatible"),
        lines,
      ).toBe(true);
    }
  });

  it("fails each validator on a pact that sends what the spec forbids or reads what it lacks", async () => {
    const { pact } = trimmed((d) => d.includes("does not exist") || d.includes("first page of 2"));
    const [first] = pact.interactions;
    if (!first) throw new Error("the CLI's pact has no interactions");
    first.request.path = first.request.path.replace(/definitions\/[^/]+/, "definitions/not-a-uuid");
    const pageNumber = pact.interactions.findIndex((i) => i.response.status === 200) + 1;
    const body = pact.interactions[pageNumber - 1]?.response.body as { content: Dict[] };
    const [instance] = body.content;
    if (!instance) throw new Error("the CLI's first 200 interaction has no instance");
    instance.instanceName = "not in the spec";
    const file = path.join(scratch, "mutated.json");
    writeFileSync(file, JSON.stringify(pact));

    const findings = await checkPacts({ document: loadSpec(), file: specPath }, [file]);
    for (const [validator, found] of byValidator(findings)) {
      expect(
        found.map((f) => [f.number, f.code]),
        validator,
      ).toEqual(
        expect.arrayContaining([
          [1, "request.path-or-method.unknown"],
          [pageNumber, "response.body.incompatible"],
        ]),
      );
      expect(found.every((f) => f.consumer === "workflows-cli" && f.file === file)).toBe(true);
    }
  });
});
