// The contract matrix: which consumer and interaction depends on which parameter, header, status and
// response field, derived from the pact files alone (plus the spec's path templates, to name path
// parameters), so it is right for any consumer. Labels use spec-diff's vocabulary
// (`query parameter status`, `response 200 body[].startedAt`), so a change and its dependents line up.
import path from "node:path";
import { bodyContent, type PactInteraction, type PactSource, ranges, values } from "./pacts.js";

export type DependencyKind = "parameter" | "header" | "status" | "field";
const KIND_ORDER: DependencyKind[] = ["parameter", "header", "status", "field"];

export interface Dependency {
  kind: DependencyKind;
  /** `query parameter limit`, `request header Authorization`, `response 404`, `response 200 body[].status` */
  label: string;
}

export interface MatrixColumn {
  consumer: string;
  provider: string;
  /** the pact file, absolute */
  file: string;
}

export interface MatrixRow extends Dependency {
  /** `GET /api/v1/accounts/{accountId}/...` as the spec writes it, or the pact's own path */
  operation: string;
  /** per column (same order as `columns`): the 1-based interaction numbers that depend on it */
  uses: number[][];
}

export interface ContractMatrix {
  columns: MatrixColumn[];
  rows: MatrixRow[];
}

interface Template {
  method: string;
  label: string;
  pattern: RegExp;
  names: string[];
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function templates(spec: Record<string, unknown>): Template[] {
  const out: Template[] = [];
  for (const [template, item] of Object.entries(isObject(spec.paths) ? spec.paths : {})) {
    if (!isObject(item)) continue;
    const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
    const source = template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("([^/]+)");
    for (const method of HTTP_METHODS)
      if (isObject(item[method]))
        out.push({
          method: method.toUpperCase(),
          label: `${method.toUpperCase()} ${template}`,
          pattern: new RegExp(`^${source}$`),
          names,
        });
  }
  return out;
}

function fieldPaths(value: unknown, prefix: string, out: Set<string>): void {
  out.add(prefix);
  if (Array.isArray(value)) for (const item of value) fieldPaths(item, `${prefix}[]`, out);
  else if (isObject(value))
    for (const [key, v] of Object.entries(value)) fieldPaths(v, `${prefix}.${key}`, out);
}

/** What one interaction depends on, and the operation it calls. */
export function dependenciesOf(
  interaction: PactInteraction,
  spec: Record<string, unknown>,
): { operation: string; dependencies: Dependency[] } {
  const { request, response } = interaction;
  const method = request.method.toUpperCase();
  const template = templates(spec).find((t) => t.method === method && t.pattern.test(request.path));
  const deps: Dependency[] = [];
  for (const name of template?.names ?? []) deps.push({ kind: "parameter", label: `path parameter ${name}` });
  for (const name of Object.keys(request.query ?? {}))
    deps.push({ kind: "parameter", label: `query parameter ${name}` });
  for (const name of Object.keys(request.headers ?? {}))
    deps.push({ kind: "header", label: `request header ${name}` });
  if (request.body !== undefined) {
    const fields = new Set<string>();
    fieldPaths(bodyContent(request.body), "request body", fields);
    for (const label of fields) deps.push({ kind: "field", label });
  }
  const status = `response ${response.status}`;
  deps.push({ kind: "status", label: status });
  for (const name of Object.keys(response.headers ?? {}))
    if (values(response.headers?.[name]).length > 0)
      deps.push({ kind: "header", label: `${status} header ${name}` });
  if (response.body !== undefined) {
    const fields = new Set<string>();
    fieldPaths(bodyContent(response.body), `${status} body`, fields);
    for (const label of fields) deps.push({ kind: "field", label });
  }
  return { operation: template?.label ?? `${method} ${request.path} (not in the spec)`, dependencies: deps };
}

/** Headers are case-insensitive: one row per header, spelled as first seen. */
const rowKey = (operation: string, d: Dependency) =>
  `${operation}\u0000${d.kind === "header" ? d.label.toLowerCase() : d.label}`;

export function contractMatrix(
  sources: readonly PactSource[],
  spec: Record<string, unknown>,
): ContractMatrix {
  const columns = sources.map((s) => ({
    consumer: s.pact.consumer.name,
    provider: s.pact.provider.name,
    file: s.file,
  }));
  const rows = new Map<string, MatrixRow>();
  sources.forEach((source, column) => {
    source.pact.interactions.forEach((interaction, index) => {
      const { operation, dependencies } = dependenciesOf(interaction, spec);
      for (const d of dependencies) {
        const key = rowKey(operation, d);
        let row = rows.get(key);
        if (!row) {
          row = { ...d, operation, uses: columns.map(() => []) };
          rows.set(key, row);
        }
        row.uses[column]?.push(index + 1);
      }
    });
  });
  const sorted = [...rows.values()].sort(
    (a, b) =>
      a.operation.localeCompare(b.operation) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.label.localeCompare(b.label, "en"),
  );
  return { columns, rows: sorted };
}

/** A column's name: the consumer, with the provider when one consumer has pacts with several. */
export function columnName(matrix: ContractMatrix, column: MatrixColumn): string {
  const same = matrix.columns.filter((c) => c.consumer === column.consumer);
  return same.length > 1 ? `${column.consumer} → ${column.provider}` : column.consumer;
}

const cell = (text: string) => text.replaceAll("|", "\\|");

/** A Markdown table laid out the way Biome formats one (columns padded, at least 3 wide). */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 3)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/**
 * The generated Markdown for one consumer package's CONTRACTS.md: per pact, its interactions (as
 * numbered in the file, the numbers every report uses) and what each depends on.
 */
export function renderConsumerMarkdown(
  sources: readonly PactSource[],
  spec: Record<string, unknown>,
): string {
  const parts: string[] = [];
  for (const source of sources) {
    const { pact } = source;
    const matrix = contractMatrix([source], spec);
    const file = path.relative(source.packageDir, source.file).split(path.sep).join("/");
    parts.push(`### ${pact.consumer.name} → ${pact.provider.name}`);
    parts.push("");
    parts.push(`\`${file}\`: ${pact.interactions.length} interactions, numbered as in the file.`);
    parts.push("");
    const interactions = pact.interactions.map((i, index) => {
      const states = (i.providerStates ?? []).map((s) => s.name).join("; ") || i.providerState || "—";
      const query = Object.entries(i.request.query ?? {})
        .flatMap(([name, v]) => values(v).map((value) => `${name}=${value}`))
        .join("&");
      const request = `\`${i.request.method} ${i.request.path}${query ? `?${query}` : ""}\``;
      return [String(index + 1), cell(i.description), cell(states), cell(request), String(i.response.status)];
    });
    parts.push(...table(["#", "interaction", "provider state", "request", "status"], interactions));
    for (const operation of new Set(matrix.rows.map((r) => r.operation))) {
      parts.push("");
      parts.push(`What each interaction depends on, for \`${operation}\`:`);
      parts.push("");
      const rows = matrix.rows
        .filter((r) => r.operation === operation)
        .map((row) => [row.kind, `\`${cell(row.label)}\``, ranges(row.uses[0] ?? [])]);
      parts.push(...table(["kind", "depends on", "interactions"], rows));
    }
    parts.push("");
  }
  return parts.join("\n").trimEnd();
}

export const MATRIX_BEGIN =
  "<!-- BEGIN contract-matrix: generated from pacts/*.json by `pnpm turbo run contract:matrix`; edits here are overwritten -->";
export const MATRIX_END = "<!-- END contract-matrix -->";

/** CONTRACTS.md with its generated section replaced (or appended under a heading when missing). */
export function withMatrix(markdown: string | undefined, generated: string, title: string): string {
  const block = `${MATRIX_BEGIN}\n\n${generated}\n\n${MATRIX_END}`;
  if (markdown === undefined) return `# ${title}\n\n## Contract matrix\n\n${block}\n`;
  const begin = markdown.indexOf(MATRIX_BEGIN);
  const end = markdown.indexOf(MATRIX_END);
  if (begin >= 0 && end > begin)
    return `${markdown.slice(0, begin)}${block}${markdown.slice(end + MATRIX_END.length)}`;
  return `${markdown.trimEnd()}\n\n## Contract matrix\n\n${block}\n`;
}

export interface ContractsMdUpdate {
  /** `<package>/CONTRACTS.md`, absolute */
  file: string;
  current: string | undefined;
  expected: string;
}

/** Each consumer package's CONTRACTS.md as it is and as its pacts say it should be. */
export function contractsMdUpdates(
  sources: readonly PactSource[],
  spec: Record<string, unknown>,
  read: (file: string) => string | undefined,
): ContractsMdUpdate[] {
  const byPackage = new Map<string, PactSource[]>();
  for (const s of sources) byPackage.set(s.packageDir, [...(byPackage.get(s.packageDir) ?? []), s]);
  return [...byPackage].map(([dir, pacts]) => {
    const file = path.join(dir, "CONTRACTS.md");
    const current = read(file);
    const title = `Contracts of ${[...new Set(pacts.map((p) => p.pact.consumer.name))].join(", ")}`;
    return { file, current, expected: withMatrix(current, renderConsumerMarkdown(pacts, spec), title) };
  });
}
