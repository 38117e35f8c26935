import { DEFAULTS } from "./args.js";

/** `workflows-monitor --help`. Reads nothing from the environment, so it cannot leak a secret. */
export const HELP = `workflows-monitor: report every 8x8 Automation workflow instance that ends Terminated, once

Usage:
  workflows-monitor --account ID --definition UUID [--definition UUID ...] [options]

Watching:
  --account ID            account id (required)
  --definition UUID       a workflow definition to watch (required; repeat for several)
  --version N             watch this definition version (default: the latest)
  --interval D            time between polls (default ${DEFAULTS.interval})
  --lookback D            how far back over startedAt each poll looks: the longest run time
                          that is still caught (default ${DEFAULTS.lookback})
  --since ISO             a fixed window start instead (e.g. 2026-10-01T00:00:00Z): a backfill
  --page-size N           instances per request, 1-500 (default 500)
  --once                  poll once, write the checkpoint and exit (cron)

State and delivery:
  --checkpoint FILE       what was reported, for restarts (default ${DEFAULTS.checkpoint})
  --max-reported N        reported ids kept per definition (default ${DEFAULTS.maxReported})
  --webhook URL           also POST each alert as JSON to URL (or WORKFLOWS_MONITOR_WEBHOOK)
  --webhook-timeout D     bound on each POST (default ${DEFAULTS.webhookTimeout})
  --webhook-retries N     retries of a POST, 0-10 (default ${DEFAULTS.webhookRetries})
  --max-backoff D         longest wait between polls after failures (default ${DEFAULTS.maxBackoff})
  --verbose               also log every poll cycle on stderr
  -h, --help              this help
  -V, --version           alone: the version of workflows-monitor

  D is a whole number with a unit: 500ms, 30s, 5m, 24h, 7d.

Output: one JSON alert per line on stdout; JSON log lines on stderr.

Environment:
  WORKFLOWS_API_KEY          8x8 API key (required; never printed)
  WORKFLOWS_BASE_URL         API base URL (default: the 8x8 production API)
  WORKFLOWS_TIMEOUT_MS       bound on each request attempt (default 30000)
  WORKFLOWS_MAX_RETRIES      retries within a poll after 429, 5xx, network errors (default 2)
  WORKFLOWS_MONITOR_WEBHOOK  the webhook URL, kept out of the process list

Exit codes:
  0 stopped by SIGINT/SIGTERM (checkpoint written), or --once done   1 unexpected
  2 bad usage or input   3 authentication   4 unknown definition
  5 --once only: the poll failed for a passing reason (5xx, 429, network, webhook)
  130/143 a second SIGINT/SIGTERM while stopping (checkpoint possibly not written)
`;
