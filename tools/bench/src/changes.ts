import type { Row } from "./result.js";

/** Why a target can be missed, by benchmark: what the profile says the difference is made of. */
const WHY: Record<string, string> = {
  overhead:
    "The floor row shows what a per-request timeout alone costs (an AbortSignal and a timer); the rest is " +
    "the client's per-call work — parameters checked against the spec, the query serialized, the page's shape " +
    "checked, a few more promises — tens of µs, several per cent of a request that takes under a millisecond.",
  pagination:
    "Per page the client does more than the loop — it pins the walk, drops repeats, checks the page's shape, " +
    "bounds the request with a timeout — and hands instances out through an async iterator: ≈0.5 ms per page " +
    "of 500 here, a few per cent of a page at 10 ms of latency, less at real-world latencies.",
};

/** What a missed target means, for the docs: the figure, the target, and why. */
export function gaps(row: Row, id: string): string {
  const figure = row.target?.on === "value" ? `${row.subjectValue} ${row.unit}` : `${row.ratio}×`;
  return `${row.subject}, ${row.case}: ${figure} against ${row.target?.text}. ${WHY[id] ?? ""}`.trim();
}

export const CHANGES = `## What was changed to meet the targets

**Client (packages/client).** An early measurement of \`listWorkflowInstances\` (server in the same process)
was 1.37× (page of 100) and 1.56× (page of 500) the hand-written fetch. CPU profiles showed where: the transport
read the body, then wrapped it in a new \`Response\` that openapi-fetch read a second time (a UTF-8 encode and
decode of every page); \`AbortSignal.any\` (tens of µs a call on Node 20); three \`Request\` objects per call
(openapi-fetch's, the transport's copy with the key, fetch's own); openapi-fetch's path serializer (regular
expressions, every call). Now:

- with no middleware registered (\`raw.use\`), a page request goes to the transport as a URL built with
  openapi-fetch's own exported serializers, the path part once per (accountId, definitionId), and the transport
  calls \`fetch(url, { headers, signal })\`: one \`Request\` (the one fetch builds anyway), the body read once and
  parsed once;
- with middleware, openapi-fetch is used as before, and the transport hands the platform fetch
  \`(request, init)\` instead of first building a copy of the \`Request\` (a custom \`fetch\` still gets the final
  \`Request\`, as documented);
- one \`AbortController\` per attempt carries both the caller's signal and the timeout, instead of
  \`AbortSignal.any\`.

What is left on a page of 100 is mostly the timeout (its row in the table: an \`AbortSignal\` and a timer per
request) and the per-call checks (parameters against the spec, the page's shape). The read-ahead (\`prefetch\`) of
\`iterateWorkflowInstances\` / \`iterateWorkflowInstancePages\` is new (see the client's README); it and the direct
path cost ≈0.8 kB gzipped, which is why their code is kept compact: the budget is close.

**Reference provider (packages/provider).** It scanned every instance and ran \`JSON.stringify\` on every
instance of the page, per request. Now each definition keeps, besides its instances newest first, views per
version and per (version, status), built on first use and dropped on every change; a query's date range is two
bisections of the view and its offset a slice. Each instance's JSON is made once, and a page is those strings
put together. An earlier cache of whole pages (also by request URL) was removed when the provider was split into
a store and adapters: without it the provider stays above 10× Prism on a mix of queries, so the simpler code won.
Answers carry a \`Content-Length\`. The bodies are byte for byte what they were: its tests and the pact
verification pass, and a differential run against the previous implementation (6 000 random queries with
inserts in between, over node:http and the fetch adapter) found no difference.

## Running

\`pnpm bench\` from the repository root (turbo builds what it needs first; the task is never cached) takes about
three and a half minutes on two cores; \`pnpm bench -- --only overhead,bundle\` runs some,
\`pnpm bench -- --pipeline\` adds the cold-versus-cached \`pnpm test\` timing (minutes more). Only the bundle budget
runs in \`pnpm test\` (\`tools/bench/test/bundle-size.test.ts\` against \`tools/bench/budget.json\`): timings on a
shared machine are too noisy to gate a build on, a byte count is not.
`;
