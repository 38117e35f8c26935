// Pacts ⇄ spec: every interaction of every pact must be allowed by the OpenAPI document, by both
// checks PactFlow runs on bi-directional contracts. Nothing is exempt: a finding is a failure.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Comparator } from "@pactflow/openapi-pact-comparator";
import { SwaggerMockValidatorFactory } from "@pactflow/swagger-mock-validator";
import { type PactSource, readPacts } from "./pacts.js";

export const VALIDATORS = ["openapi-pact-comparator", "swagger-mock-validator"] as const;
export type Validator = (typeof VALIDATORS)[number];

export interface Finding {
  validator: Validator;
  /** the pact file, absolute */
  file: string;
  consumer: string;
  provider: string;
  /** the interaction's description ("" when the finding is about the whole pact) */
  interaction: string;
  /** its 1-based position in the pact file, when the finding names one */
  number: number | undefined;
  code: string;
  message: string;
  /** where in the pact: `[root].interactions[3].response.body[0].startedAt` */
  location: string;
  type: "error" | "warning";
}

interface RawResult {
  code: string;
  message: string;
  type: "error" | "warning";
  mockDetails?: { interactionDescription?: string | null; location: string } | undefined;
}

/** The spec as a parsed document; `file` when it is on disk already (saves a temporary copy). */
export interface SpecInput {
  document: Record<string, unknown>;
  file?: string;
}

function toFinding(validator: Validator, source: PactSource, r: RawResult): Finding {
  const location = r.mockDetails?.location ?? "";
  const index = /^\[root\]\.interactions\[(\d+)\]/.exec(location)?.[1];
  const number = index === undefined ? undefined : Number(index) + 1;
  const interaction =
    r.mockDetails?.interactionDescription ??
    (number === undefined ? "" : (source.pact.interactions[number - 1]?.description ?? ""));
  return {
    validator,
    file: source.file,
    consumer: source.pact.consumer.name,
    provider: source.pact.provider.name,
    interaction,
    number,
    code: r.code,
    message: r.message,
    location,
    type: r.type,
  };
}

/** Both validators may report one result more than once; keep each once, in their order. */
function unique(results: RawResult[]): RawResult[] {
  const seen = new Map<string, RawResult>();
  for (const r of results)
    seen.set(JSON.stringify([r.code, r.message, r.type, r.mockDetails?.location ?? ""]), r);
  return [...seen.values()];
}

async function withSpecFile<T>(spec: SpecInput, use: (file: string) => Promise<T>): Promise<T> {
  if (spec.file) return use(spec.file);
  const dir = await mkdtemp(path.join(tmpdir(), "contract-check-"));
  try {
    const file = path.join(dir, "openapi.json");
    await writeFile(file, JSON.stringify(spec.document));
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Checks pacts against the spec with `@pactflow/openapi-pact-comparator` and
 * `@pactflow/swagger-mock-validator` (PactFlow's defaults: responses may not carry fields the spec
 * does not declare). Resolves with every finding, errors and warnings, of both.
 */
export async function checkPacts(
  spec: SpecInput,
  pactFiles: readonly string[],
  validators: readonly Validator[] = VALIDATORS,
): Promise<Finding[]> {
  const sources = await readPacts(pactFiles);
  const findings: Finding[] = [];
  // The comparator keeps state per spec (compiled schemas), so one instance serves every pact.
  const comparator = new Comparator(structuredClone(spec.document));
  const validator = SwaggerMockValidatorFactory.create();
  await withSpecFile(spec, async (specFile) => {
    for (const source of sources) {
      if (validators.includes("openapi-pact-comparator")) {
        const compared: RawResult[] = [];
        for await (const r of comparator.compare(source.pact)) compared.push(r);
        findings.push(...unique(compared).map((r) => toFinding("openapi-pact-comparator", source, r)));
      }
      if (!validators.includes("swagger-mock-validator")) continue;

      const outcome = await validator.validate({ specPathOrUrl: specFile, mockPathOrUrl: source.file });
      const validated = unique([...outcome.errors, ...outcome.warnings]);
      findings.push(...validated.map((r) => toFinding("swagger-mock-validator", source, r)));
      if (!outcome.success && validated.length === 0)
        findings.push(
          toFinding("swagger-mock-validator", source, {
            code: "validator.failed",
            message: outcome.failureReason ?? "failed without naming a finding",
            type: "error",
          }),
        );
    }
  });
  return findings;
}

/** One line per finding for a CI log: which validator, which pact and interaction, what and where. */
export function formatFindings(findings: readonly Finding[], root: string): string[] {
  return findings.map((f) => {
    const which = f.number === undefined ? "" : ` #${f.number}`;
    return (
      `  ✗ ${path.relative(root, f.file)}${which} "${f.interaction}": ${f.message} ` +
      `[${f.validator}: ${f.code}${f.type === "warning" ? " (warning)" : ""} at ${f.location}]`
    );
  });
}

/**
 * Runs both validators once on an empty pact. Their first run in a process costs about twice a later
 * one (parsing, JIT): a test suite pays it here, before the tests that measure their own work.
 */
export async function warmUp(spec: SpecInput): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "contract-check-warm-up-"));
  try {
    const empty = path.join(dir, "empty.json");
    await writeFile(
      empty,
      JSON.stringify({ consumer: { name: "c" }, provider: { name: "p" }, interactions: [] }),
    );
    await checkPacts(spec, [empty]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
