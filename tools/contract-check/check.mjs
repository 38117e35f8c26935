// Pacts ⇄ spec: every interaction of every pact must be allowed by the OpenAPI document.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Comparator } from "@pactflow/openapi-pact-comparator";

/**
 * @typedef {{ file: string, interaction: string, code: string, message: string, location: string, type: string, expected: boolean }} Finding
 */

/**
 * A consumer may pin what the API does with a request the spec forbids (a non-UUID definition id)
 * when it expects the documented 400 for it. Such a request finding is expected; the interaction is
 * then compared again with a request the spec allows, so its 400 body is still checked.
 */
function withValidRequest(interaction, spec) {
  const segments = interaction.request.path.split("/");
  // /api/v1/accounts/{accountId}/definitions/{definitionId}/workflows: segment 6 is the definition id.
  segments[6] = spec.components.parameters.definitionId.example;
  return { ...interaction, request: { ...interaction.request, path: segments.join("/") } };
}

async function compare(comparator, pact) {
  // The comparator can report one finding more than once; keep each once.
  const results = new Map();
  for await (const result of comparator.compare(pact)) results.set(JSON.stringify(result), result);
  return [...results.values()];
}

/** Compares pacts with the spec; resolves with every finding (errors and warnings). */
export async function checkPacts(spec, pactFiles) {
  const comparator = new Comparator(structuredClone(spec));
  /** @type {Finding[]} */
  const findings = [];
  for (const file of pactFiles) {
    const pact = JSON.parse(await readFile(file, "utf8"));
    const toFinding = (r, expected) => ({
      file,
      interaction: r.mockDetails?.interactionDescription ?? "",
      code: r.code,
      message: r.message,
      location: r.mockDetails?.location ?? "",
      type: r.type,
      expected,
    });
    const results = await compare(comparator, pact);
    const negative = new Set(
      pact.interactions.filter((i) => i.response?.status === 400).map((i) => i.description),
    );
    for (const r of results) {
      const isExpected = r.code.startsWith("request.") && negative.has(r.mockDetails?.interactionDescription);
      findings.push(toFinding(r, isExpected));
    }
    const retried = pact.interactions
      .filter(
        (i) =>
          negative.has(i.description) && findings.some((f) => f.expected && f.interaction === i.description),
      )
      .map((i) => withValidRequest(i, spec));
    if (retried.length > 0) {
      const again = await compare(comparator, { ...pact, interactions: retried });
      findings.push(...again.filter((r) => !r.code.startsWith("request.")).map((r) => toFinding(r, false)));
    }
  }
  return findings;
}

/** Human-readable lines for the CI log. */
export function formatFindings(findings, root = process.cwd()) {
  return findings.map(
    (f) =>
      `${f.expected ? "  (expected) " : f.type === "warning" ? "  warning: " : "  ✗ "}${path.relative(root, f.file)}: ` +
      `"${f.interaction}": ${f.message} [${f.code} at ${f.location}]`,
  );
}
