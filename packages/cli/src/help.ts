/** `workflows --help`. Reads nothing from the environment, so it cannot leak the key. */
export const HELP = `workflows: list and summarize 8x8 Automation workflow instances; probe the API against its spec

Usage:
  workflows list    --account ID --definition UUID [filters] [--limit N] [--offset N] [--format F]
  workflows list    --account ID --definition UUID [filters] --all [--limit N] [--max N] [--format F]
  workflows summary --account ID --definition UUID [filters] [--limit N] [--max N] [--format table|json]
  workflows probe   --account ID --definition UUID [--base-url URL] [--format table|json] [--max-requests N]
                    [--junit FILE] [--save-har FILE]
  workflows probe   --har FILE [--account ID] [--definition UUID] [--format table|json] [--junit FILE]
  workflows --version | -V    the version of workflows (after a command, --version N is a filter)

Filters:
  --status S      Runnable | Suspended | Complete | Terminated
  --version N     definition version (default: the latest)
  --from ISO      started at or after ISO, e.g. 2021-06-30T03:20:39.3857479Z (sent unchanged)
  --to ISO        started at or before ISO

Paging and output:
  --limit N       instances per request, 1-500 (default: the server's, 100)
  --offset N      list: the page to show, counted in pages of --limit (default 0)
  --all           list: every page, newest first (summary always walks every page)
  --max N         with --all, and summary: stop after N instances
  --offset-unit U what the server's offset counts, for --all and summary (not list without --all:
                  --offset is sent as typed): pages (the spec's, default) | items | auto (the client
                  finds out); default: WORKFLOWS_OFFSET_UNIT, else pages
  --format F      list: table (default) | json | ndjson | csv; summary: table (default) | json
                  ndjson and csv stream page by page; table and json print when the walk is done
  -h, --help      this help
  Flags take one value each: a repeated flag is an error. A negative number may follow the flag
  (--offset -1) or be joined to it (--offset=-1); both are checked the same way.

Probe (does the server behave as the spec says? read-only GETs, one at a time):
  --base-url URL      the server to probe (default: WORKFLOWS_BASE_URL, else the 8x8 production API)
  --max-requests N    at most N requests (default 30); checks left without one are inconclusive
  --junit FILE        also write JUnit XML (contradicted = failure, inconclusive = skipped)
  --har FILE          check recorded traffic (HAR 1.2) instead; sends nothing, needs no key
  --save-har FILE     also write the probe's own traffic as HAR (the key redacted)

Environment:
  WORKFLOWS_API_KEY       8x8 API key (required; never printed)
  WORKFLOWS_BASE_URL      the API's root, without /api/v1 (default: https://automation.8x8.com)
  WORKFLOWS_TIMEOUT_MS    bound on each request attempt (default 30000)
  WORKFLOWS_MAX_RETRIES   retries after 429, 5xx, network errors and timeouts (default 2)
  WORKFLOWS_OFFSET_UNIT   pages | items | auto, as --offset-unit (the flag wins)

Exit codes:
  0 ok   1 unexpected   2 bad usage or input   3 authentication (missing, rejected or forbidden key)
  4 not found   5 network, timeout, 5xx or 429   6 probe: the server contradicts the spec
  130 interrupted (Ctrl-C)
`;
