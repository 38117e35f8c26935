// The chain bites: a spec that no longer allows what a consumer pinned fails contract:check,
// with a message that names the interaction and what broke.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findPactFiles, workspaceRoot as root, specPath } from "@workflows-kit/spec";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkPacts, formatFindings } from "../check.mjs";

let specText: string;
let pacts: string[];

beforeAll(async () => {
  specText = await readFile(specPath, "utf8");
  pacts = await findPactFiles();
});

async function errorsFor(text: string) {
  const findings = await checkPacts(parse(text), pacts);
  return findings.filter((f) => !f.expected && f.type !== "warning");
}

function edit(from: string, to: string) {
  expect(specText).toContain(from);
  return specText.replace(from, to);
}

describe("contract:check", () => {
  it("finds the consumers' pacts", () => {
    expect(pacts.map((p) => path.relative(root, p))).toContain(
      "packages/cli/pacts/workflows-cli-workflows-api.json",
    );
  });

  it("passes on the spec as it is, with the deliberate bad-id request marked as expected", async () => {
    const findings = await checkPacts(parse(specText), pacts);
    expect(findings.filter((f) => !f.expected && f.type !== "warning")).toEqual([]);
    expect(findings.filter((f) => f.expected).map((f) => f.interaction)).toEqual([
      "a request with a definition id that is not a UUID",
    ]);
  });

  it("fails when a required response field is renamed", async () => {
    const renamed = edit(
      "required: [workflowId, data, definitionId, version, status, startedAt, completedAt]",
      "required: [instanceId, data, definitionId, version, status, startedAt, completedAt]",
    ).replace("        workflowId:\n          type: string", "        instanceId:\n          type: string");
    const errors = await errorsFor(renamed);
    expect(errors.length).toBeGreaterThan(0);
    expect(formatFindings(errors, root).join("\n")).toContain(
      "must NOT have additional properties - workflowId",
    );
  });

  it("fails when an enum value the consumer relies on is removed", async () => {
    const errors = await errorsFor(
      edit("enum: [Runnable, Suspended, Complete, Terminated]", "enum: [Runnable, Suspended, Complete]"),
    );
    const lines = formatFindings(errors, root).join("\n");
    expect(lines).toContain(
      '"a request for one page filtered by status": Value is incompatible with the parameter',
    );
    expect(lines).toContain("must be equal to one of the allowed values");
  });

  it("fails when a status code the consumer maps is no longer documented", async () => {
    const start = specText.indexOf('        "404":');
    const end = specText.indexOf('        "429":');
    const errors = await errorsFor(specText.slice(0, start) + specText.slice(end));
    expect(errors.map((e) => [e.interaction, e.code])).toEqual([
      ["a request for a definition that does not exist", "response.status.unknown"],
    ]);
  });

  it("still checks the 400 body of the deliberate bad-id interaction", async () => {
    const errors = await errorsFor(
      edit("        code:\n          type: integer", "        code:\n          type: string"),
    );
    expect(errors.map((e) => e.interaction)).toContain("a request with a definition id that is not a UUID");
  });
});
