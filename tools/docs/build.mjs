// `turbo run docs` (root `pnpm docs`): renders the static docs into dist/.
// - dist/index.html: the API reference of spec/workflows.openapi.yaml, by `redocly build-docs` with the
//   Redoc bundle inlined and a Content-Security-Policy that forbids other origins (template.hbs), so it
//   works from a CI artifact, a file:// URL or a loopback server with no network.
// - dist/contracts.html: every interaction pinned by the pacts under packages/*/pacts/*.json (written by
//   `@workflows-kit/cli#contract:consumer`, which this task depends on), plus the prose of the
//   package's CONTRACTS.md.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { columnName, contractMatrix, ranges, readPacts } from "@workflows-kit/contract-check";
import { findPactFiles, loadSpec, workspaceRoot as root, specPath } from "@workflows-kit/spec";

const here = path.dirname(fileURLToPath(import.meta.url));

export { findPactFiles, specPath, workspaceRoot as root } from "@workflows-kit/spec";
export const distDir = path.join(here, "dist");

/**
 * @typedef {{ combine?: string, matchers: Array<Record<string, unknown> & { match: string }> }} RuleSet
 * @typedef {Record<string, Record<string, RuleSet> | RuleSet>} MatchingRules
 * @typedef {{ name: string, params?: Record<string, unknown> }} ProviderState
 * @typedef {{
 *   method: string, path: string, query?: Record<string, string[]>, headers?: Record<string, string[]>,
 *   body?: { content?: unknown }, matchingRules?: MatchingRules
 * }} PactRequest
 * @typedef {{
 *   status: number, headers?: Record<string, string[]>, body?: { content?: unknown },
 *   matchingRules?: MatchingRules
 * }} PactResponse
 * @typedef {{
 *   description: string, providerStates?: ProviderState[], request: PactRequest, response: PactResponse,
 *   type?: string
 * }} Interaction
 * @typedef {{
 *   consumer: { name: string }, provider: { name: string }, interactions: Interaction[],
 *   metadata?: { pactSpecification?: { version?: string } }
 * }} Pact
 * @typedef {{ file: string, pkg: string, pact: Pact, contractsMd: string | undefined }} PactSource
 */

/** @param {string[]} files @returns {PactSource[]} */
export function loadPacts(files, repoRoot = root) {
  return files.map((file) => {
    const pkgDir = path.dirname(path.dirname(file));
    const md = path.join(pkgDir, "CONTRACTS.md");
    return {
      file: path.relative(repoRoot, file).split(path.sep).join("/"),
      pkg: path.relative(repoRoot, pkgDir).split(path.sep).join("/"),
      pact: JSON.parse(readFileSync(file, "utf8")),
      contractsMd: existsSync(md) ? readFileSync(md, "utf8") : undefined,
    };
  });
}

/** @param {unknown} value */
export function escapeHtml(value) {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** One matcher as a short phrase: `regex ^[0-9a-f]{24}$`, `type (min 1)`, `integer`. */
/** @param {Record<string, unknown> & { match: string }} matcher */
export function describeMatcher(matcher) {
  const { match, ...rest } = matcher;
  if (match === "regex") return `regex ${String(rest.regex)}`;
  const extras = Object.entries(rest).map(([key, value]) => `${key} ${JSON.stringify(value)}`);
  return extras.length > 0 ? `${match} (${extras.join(", ")})` : match;
}

/**
 * The matching rules of a request or response, one line per rule: `body $[*].status: regex ^(…)$`.
 * Pact V4 groups them by category (body, header, query, path, status); a category is either a map of
 * paths/names to rule sets or, for `path` and `status`, one rule set.
 * @param {MatchingRules | undefined} rules
 * @returns {string[]}
 */
export function summarizeMatchingRules(rules) {
  if (!rules) return [];
  /** @type {string[]} */
  const lines = [];
  for (const [category, entries] of Object.entries(rules)) {
    /** @type {Array<[string, RuleSet]>} */
    const sets =
      "matchers" in entries && Array.isArray(entries.matchers)
        ? [["", /** @type {RuleSet} */ (entries)]]
        : Object.entries(/** @type {Record<string, RuleSet>} */ (entries));
    for (const [where, set] of sets) {
      const joiner = set.combine === "OR" ? " or " : " and ";
      const label = where ? `${category} ${where}` : category;
      lines.push(`${label}: ${set.matchers.map(describeMatcher).join(joiner)}`);
    }
  }
  return lines;
}

/** `limit=2&offset=1` from Pact's `{ limit: ["2"], offset: ["1"] }`, in the pact's order. */
/** @param {Record<string, string[]> | undefined} query */
export function formatQuery(query) {
  if (!query) return "";
  return Object.entries(query)
    .flatMap(([name, values]) => values.map((value) => `${name}=${value}`))
    .join("&");
}

/** @param {Record<string, string[]> | undefined} headers */
function formatHeaders(headers) {
  if (!headers) return [];
  return Object.entries(headers).map(([name, values]) => `${name}: ${values.join(", ")}`);
}

/** @param {string[]} lines */
function list(lines) {
  if (lines.length === 0) return "<span class=none>none</span>";
  return `<ul>${lines.map((line) => `<li><code>${escapeHtml(line)}</code></li>`).join("")}</ul>`;
}

/** @param {ProviderState[] | undefined} states */
function statesHtml(states) {
  if (!states || states.length === 0) return "<span class=none>none</span>";
  return states
    .map((state) => {
      const params = state.params
        ? `<details><summary>parameters</summary><pre>${escapeHtml(JSON.stringify(state.params, null, 2))}</pre></details>`
        : "";
      return `<div class=state>${escapeHtml(state.name)}${params}</div>`;
    })
    .join("");
}

/** @param {{ content?: unknown } | undefined} body */
function bodyHtml(body) {
  if (!body || body.content === undefined) return "";
  return `<details><summary>example body</summary><pre>${escapeHtml(JSON.stringify(body.content, null, 2))}</pre></details>`;
}

/** @param {string} text */
function slug(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * The contract matrix as a table per operation: a row per parameter, header, status and response
 * field, a column per consumer, the interactions (numbered as in each pact file) that depend on it.
 * @param {import("@workflows-kit/contract-check").ContractMatrix} matrix
 */
export function renderMatrix(matrix) {
  if (matrix.rows.length === 0) return "";
  const head = matrix.columns.map((column) => `<th>${escapeHtml(columnName(matrix, column))}</th>`).join("");
  const tables = [...new Set(matrix.rows.map((row) => row.operation))].map((operation) => {
    const rows = matrix.rows
      .filter((row) => row.operation === operation)
      .map(
        (row) =>
          `<tr><td>${row.kind}</td><td><code>${escapeHtml(row.label)}</code></td>${row.uses
            .map((uses) => `<td>${uses.length ? escapeHtml(ranges(uses)) : ""}</td>`)
            .join("")}</tr>`,
      );
    return `<h3><code>${escapeHtml(operation)}</code></h3>
<table class=matrix>
<thead><tr><th>kind</th><th>depends on</th>${head}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
  });
  return `<section id=matrix>
<h2>Contract matrix: who depends on what</h2>
<p class=meta>Derived from the pact files: which consumer's interactions (numbered as in its pact file and below) send each parameter and header, expect each status, and read each response field. <code>spec:diff</code> names the same numbers for each breaking change.</p>
${tables.join("\n")}
</section>`;
}

/**
 * The contracts page. Deterministic: same pacts and prose, same bytes (no timestamps).
 * @param {PactSource[]} sources
 * @param {import("@workflows-kit/contract-check").ContractMatrix} [matrix] the contract matrix of the same pacts
 */
export function renderContractsPage(sources, matrix) {
  const sections = sources.map(({ file, pkg, pact, contractsMd }) => {
    const id = slug(`${pact.consumer.name}-${pact.provider.name}`);
    const rows = pact.interactions.map((interaction, index) => {
      const query = formatQuery(interaction.request.query);
      const states = (interaction.providerStates ?? []).map((state) => state.name).join("; ") || "—";
      return `<tr><td>${index + 1}</td><td><a href="#${id}-${index + 1}">${escapeHtml(interaction.description)}</a></td><td>${escapeHtml(states)}</td><td><code>${escapeHtml(interaction.request.method)} ${escapeHtml(interaction.request.path)}${query ? `?${escapeHtml(query)}` : ""}</code></td><td>${interaction.response.status}</td></tr>`;
    });
    const cards = pact.interactions.map((interaction, index) => {
      const { request, response } = interaction;
      return `<article class=interaction id="${id}-${index + 1}">
<h3><span class=n>${index + 1}</span> ${escapeHtml(interaction.description)}</h3>
<dl>
<dt>provider state</dt><dd>${statesHtml(interaction.providerStates)}</dd>
<dt>request</dt><dd><code class=req><b>${escapeHtml(request.method)}</b> ${escapeHtml(request.path)}</code>
<div class=query>query: ${request.query ? list(Object.entries(request.query).flatMap(([name, values]) => values.map((value) => `${name}=${value}`))) : "<span class=none>none</span>"}</div>
<div>headers: ${list(formatHeaders(request.headers))}</div>${bodyHtml(request.body)}</dd>
<dt>request matching rules</dt><dd>${list(summarizeMatchingRules(request.matchingRules))}</dd>
<dt>response</dt><dd><span class=status>${response.status}</span> ${list(formatHeaders(response.headers))}${bodyHtml(response.body)}</dd>
<dt>response matching rules</dt><dd>${list(summarizeMatchingRules(response.matchingRules))}</dd>
</dl>
</article>`;
    });
    const prose = contractsMd
      ? `<details class=prose><summary>The prose: <code>${escapeHtml(pkg)}/CONTRACTS.md</code></summary><pre>${escapeHtml(contractsMd)}</pre></details>`
      : "";
    const spec = pact.metadata?.pactSpecification?.version;
    return `<section id="${id}">
<h2>${escapeHtml(pact.consumer.name)} → ${escapeHtml(pact.provider.name)}</h2>
<p class=meta>${pact.interactions.length} interactions pinned in <code>${escapeHtml(file)}</code>${spec ? ` (Pact specification ${escapeHtml(spec)})` : ""}. Every one is checked against the spec (<code>contract:check</code>) and replayed against the reference provider (<code>contract:verify</code>).</p>
${prose}
<table>
<thead><tr><th>#</th><th>interaction</th><th>provider state</th><th>request</th><th>status</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
${cards.join("\n")}
</section>`;
  });
  const total = sources.reduce((sum, source) => sum + source.pact.interactions.length, 0);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<link rel="icon" href="data:,">
<title>workflows-kit — pinned contracts</title>
<style>
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; background: #fff; }
header { background: #24292f; color: #fff; padding: 16px 32px; }
header a { color: #9cd0ff; }
main { padding: 8px 32px 48px; max-width: 1200px; }
h1 { margin: 0; font-size: 22px; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin: 0 0 8px; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; padding: 8px 12px; overflow: auto; max-height: 480px; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; margin: 16px 0 24px; }
th, td { border: 1px solid #d0d7de; padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td code { word-break: break-all; }
.interaction { border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.n { display: inline-block; min-width: 24px; padding: 0 6px; border-radius: 12px; background: #0969da; color: #fff; text-align: center; }
dl { display: grid; grid-template-columns: 200px 1fr; gap: 6px 12px; margin: 0; }
dt { font-weight: 600; color: #57606a; }
dd { margin: 0; }
dd ul { margin: 2px 0; padding-left: 18px; }
.status { font-weight: 700; }
.none { color: #8c959f; }
.meta { color: #57606a; }
.state details, dd details { margin-top: 4px; }
.matrix td:nth-child(n + 3) { white-space: nowrap; }
</style>
</head>
<body>
<header><h1>workflows-kit — pinned contracts</h1>
<div>${total} interactions that consumers rely on, generated from their pact files. API reference: <a href="index.html">index.html</a>.</div></header>
<main>
${matrix ? renderMatrix(matrix) : ""}
${sections.join("\n")}
</main>
</body>
</html>
`;
}

/**
 * References that would make a page fetch from another origin: <script src>, <link href> and CSS
 * url()/@import to http(s) or protocol-relative URLs. Plain links (<a href>) are fine.
 * @param {string} html
 */
export function externalResources(html) {
  /** @type {string[]} */
  const found = [];
  const patterns = [
    /<script\b[^>]*\bsrc\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
    /<link\b[^>]*\bhref\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
    /<(?:img|iframe|source|video|audio)\b[^>]*\bsrc\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
    /@import\s+(?:url\()?["']?((?:https?:)?\/\/[^"')\s]+)/gi,
    /url\(\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi,
  ];
  for (const pattern of patterns) for (const match of html.matchAll(pattern)) found.push(match[1] ?? "");
  return found;
}

// Redoc's sidebar credit ("API docs by" + logo) loads the logo from Redoc's CDN at run time. The page
// must not reach the network, so the logo becomes an inline SVG of the same word (the credit stays).
const REDOC_LOGO_URLS = [
  "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
  "https://cdn.redoc.ly/redoc/logo-mini.svg",
];
const INLINE_LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="52" height="14"><text x="0" y="11" font-family="sans-serif" font-size="12" fill="#5c6370">Redocly</text></svg>',
).replaceAll("'", "%27")}`;

/** @param {string} html */
export function inlineRedocLogo(html) {
  return REDOC_LOGO_URLS.reduce((page, url) => page.replaceAll(url, INLINE_LOGO), html);
}

function buildApiReference() {
  const require = createRequire(import.meta.url);
  const cli = path.join(path.dirname(require.resolve("@redocly/cli/package.json")), "bin/cli.js");
  const out = path.join(distDir, "index.html");
  execFileSync(
    process.execPath,
    [
      cli,
      "build-docs",
      specPath,
      "--output",
      out,
      "--template",
      path.join(here, "template.hbs"),
      "--inlineBundle",
      "--title",
      "workflows-kit API reference — 8x8 Automation workflow instances",
      "--lint-config",
      "off",
    ],
    {
      cwd: here,
      stdio: ["ignore", "inherit", "inherit"],
      // Set here, not only passed through: they change the page (telemetry off in it) and the CLI's chatter.
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  writeFileSync(out, inlineRedocLogo(readFileSync(out, "utf8")));
  return out;
}

async function main() {
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });

  const reference = buildApiReference();

  const files = await findPactFiles();
  if (files.length === 0)
    throw new Error(
      "no pact files under packages/*/pacts/: run `pnpm turbo run docs` (it runs contract:consumer first)",
    );
  const contracts = path.join(distDir, "contracts.html");
  const matrix = contractMatrix(await readPacts(files), loadSpec());
  writeFileSync(contracts, renderContractsPage(loadPacts(files), matrix));

  for (const page of [reference, contracts]) {
    const external = externalResources(readFileSync(page, "utf8"));
    if (external.length > 0)
      throw new Error(`${path.relative(root, page)} loads from other origins: ${external.join(", ")}`);
  }
  console.log(
    `docs: ${path.relative(root, reference)} and ${path.relative(root, contracts)} (${files.length} pact file(s)), self-contained`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
