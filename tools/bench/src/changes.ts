import type { Row } from "./result.js";

/** What a missed target means, for the docs (a plain statement of the gap). */
export function gaps(row: Row, id: string): string {
  const figure = row.target?.on === "value" ? `${row.subjectValue} ${row.unit}` : `${row.ratio}×`;
  return `${row.subject}, ${row.case}: ${figure} against a target of ${row.target?.text} (${id}).`;
}

export const CHANGES = `## What was changed to meet the targets

**Client (packages/client).** The first measurement of \`listWorkflowInstances\` was 1.37× (page of 100) and
1.56× (page of 500) the hand-written fetch. A CPU profile showed where: the transport read the body, then wrapped it
in a new \`Response\` that openapi-fetch read a second time (a UTF-8 encode and decode of every page),
\`AbortSignal.any\` (tens of µs a call on Node 20), and three \`Request\` objects per call (openapi-fetch's, the
transport's copy with the key, and fetch's own). Now:

- with no middleware registered (\`raw.use\`), a page request goes to the transport as a URL built by openapi-fetch's
  own exported serializers (\`createFinalURL\`), and the transport calls \`fetch(url, { headers, signal })\`: one
  \`Request\`, the one fetch builds anyway, and the body is read once and parsed once;
- with middleware, openapi-fetch is used as before, and the transport hands the platform fetch \`(request, init)\`
  instead of building a copy of the \`Request\` first (a custom \`fetch\` still gets the final \`Request\`);
- one \`AbortController\` per attempt carries both the caller's signal and the timeout, instead of \`AbortSignal.any\`.

The read-ahead (\`prefetch\`) of \`iterateWorkflowInstances\` / \`iterateWorkflowInstancePages\` is new: see the
client's README. The bundle stays within budget (the direct path and read-ahead cost about 1 kB before gzip).

**Reference provider (packages/provider).** Each definition keeps its instances newest first and now also an index
per version and per (version, status), built on first use and dropped on every change; a query's date range is two
binary searches on it and its offset a slice, instead of a scan of every instance. Each instance's JSON is made once
and reused, so a page is a join of cached strings instead of a \`JSON.stringify\` of 100–500 objects, and the answer
carries a \`Content-Length\`. The answers are byte-for-byte what they were (its tests and the pact verification check).

## Running

\`pnpm bench\` from the repository root (turbo builds what it needs first; the task is never cached) takes about
three minutes on two cores; \`pnpm bench -- --only overhead,bundle\` runs some, \`pnpm bench -- --pipeline\` adds the
cold-versus-cached \`pnpm test\` timing (minutes more). Only the bundle budget runs in \`pnpm test\`
(\`tools/bench/test/bundle-size.test.ts\` against \`tools/bench/budget.json\`): timings on a shared machine are too
noisy to gate a build on, a byte count is not.
`;
