// The few parts of a Pact file (V2–V4, HTTP interactions) the checks and the matrix read.
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface PactRequest {
  method: string;
  path: string;
  query?: Record<string, string[] | string>;
  headers?: Record<string, string[] | string>;
  body?: unknown;
}

export interface PactResponse {
  status: number;
  headers?: Record<string, string[] | string>;
  body?: unknown;
}

export interface PactInteraction {
  description: string;
  providerStates?: { name: string; params?: Record<string, unknown> }[];
  providerState?: string;
  request: PactRequest;
  response: PactResponse;
}

export interface Pact {
  consumer: { name: string };
  provider: { name: string };
  interactions: PactInteraction[];
  metadata?: { pactSpecification?: { version?: string } };
}

/** One pact file, read, with the package that wrote it. */
export interface PactSource {
  /** absolute path */
  file: string;
  /** the folder of the consumer package (the parent of its `pacts/`) */
  packageDir: string;
  pact: Pact;
}

export async function readPacts(files: readonly string[]): Promise<PactSource[]> {
  return Promise.all(
    files.map(async (file) => {
      const pact = JSON.parse(await readFile(file, "utf8")) as Pact;
      if (!pact?.consumer?.name || !Array.isArray(pact.interactions))
        throw new Error(`${file} is not a pact file (no consumer or interactions)`);
      return { file, packageDir: path.dirname(path.dirname(file)), pact };
    }),
  );
}

/** Pact V3/V4 keeps a body as `{ content, contentType }`; V2 as the value itself. */
export function bodyContent(body: unknown): unknown {
  if (body && typeof body === "object" && "content" in body && "contentType" in body)
    return (body as { content: unknown }).content;
  return body;
}

/** Header and query values as Pact V3+ writes them (arrays) or V2 (strings). */
export const values = (value: string[] | string | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** `#1–3, #5` for interactions 1, 2, 3 and 5 (numbers are 1-based positions in the pact file). */
export function ranges(numbers: Iterable<number>): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(j > i ? `#${sorted[i]}–${sorted[j]}` : `#${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(", ");
}
