import { parseArgs } from "node:util";
import { MAX_DELAY_MS } from "./clock.js";
import { UsageError } from "./errors.js";

/** What `workflows-monitor` was asked to do, from its flags and environment. */
export interface MonitorConfig {
  accountId: string;
  definitionIds: string[];
  /** Handed to the client as typed (it checks it against the spec); undefined: the latest version. */
  version: number | undefined;
  pageSize: number | undefined;
  intervalMs: number;
  lookbackMs: number;
  /** A fixed window start (ISO 8601) instead of `lookbackMs` before each poll; for backfills and fixed data. */
  since: string | undefined;
  maxBackoffMs: number;
  maxReported: number;
  checkpointPath: string;
  webhook: { url: string; timeoutMs: number; retries: number } | undefined;
  once: boolean;
  verbose: boolean;
}

export const DEFAULTS = {
  interval: "60s",
  lookback: "24h",
  maxBackoff: "10m",
  maxReported: 10_000,
  checkpoint: "workflows-monitor.checkpoint.json",
  webhookTimeout: "10s",
  webhookRetries: 3,
} as const;

const FLAGS = {
  account: { type: "string" },
  definition: { type: "string", multiple: true },
  version: { type: "string" },
  "page-size": { type: "string" },
  interval: { type: "string", default: DEFAULTS.interval },
  lookback: { type: "string" },
  since: { type: "string" },
  "max-backoff": { type: "string", default: DEFAULTS.maxBackoff },
  "max-reported": { type: "string" },
  checkpoint: { type: "string", default: DEFAULTS.checkpoint },
  webhook: { type: "string" },
  "webhook-timeout": { type: "string", default: DEFAULTS.webhookTimeout },
  "webhook-retries": { type: "string" },
  once: { type: "boolean", default: false },
  verbose: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `5m`, `24h`, `7d` to milliseconds; whole numbers only, so `1.5h` is refused, not guessed. */
export function parseDuration(flag: string, text: string, max = MAX_DELAY_MS): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  const ms = match ? Number(match[1]) * (UNITS[match[2] as string] as number) : Number.NaN;
  if (!(ms > 0 && ms <= max)) {
    throw new UsageError(
      flag,
      `must be a duration from 1ms to ${Math.floor(max / 86_400_000)}d such as 500ms, 30s, 5m, 24h (got ${JSON.stringify(text)})`,
    );
  }
  return ms;
}

/** A decimal integer; anything else is NaN, which the client's checks (or ours) reject naming the flag. */
export function integer(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

function count(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  const value = integer(text) ?? fallback;
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw new UsageError(flag, `must be an integer from ${min} to ${max} (got ${JSON.stringify(text)})`);
  }
  return value;
}

/** The webhook URL; refused without echoing it, since it often carries a token. */
function webhookUrl(source: string, text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(source, "must be an absolute http(s) URL (value not shown: it may hold a token)");
  }
  if (url.username || url.password) {
    throw new UsageError(
      source,
      "must not carry user:password@ (fetch refuses it; put a token in the path or query)",
    );
  }
  return text;
}

/** `--page-size -1` as `--page-size=-1`: parseArgs takes a value that starts with a dash for a missing one. */
const joinNegativeNumbers = (args: readonly string[]): string[] =>
  args.reduce<string[]>((joined, arg) => {
    const flag = joined[joined.length - 1] ?? "";
    const takesValue = (FLAGS as Record<string, { type: string }>)[flag.slice(2)]?.type === "string";
    if (flag.startsWith("--") && takesValue && /^-[\d.]/.test(arg))
      joined[joined.length - 1] = `${flag}=${arg}`;
    else joined.push(arg);
    return joined;
  }, []);

/**
 * Flags and environment to a config; `"help"` for `--help`, `"version"` for `--version` (or `-V`)
 * alone. Throws UsageError naming the flag.
 */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): MonitorConfig | "help" | "version" {
  // Alone, as `workflows --version`; with other flags, `--version N` is the definition version.
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) return "version";
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>["values"];
  try {
    values = parseArgs({
      args: joinNegativeNumbers(argv),
      options: FLAGS,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (!code?.startsWith("ERR_PARSE_ARGS")) throw error;
    if (message.startsWith("Option '--version <value>' argument missing")) {
      throw new UsageError(
        "--version",
        "needs a definition version N here (alone, --version prints the version of workflows-monitor)",
      );
    }
    // Node's first sentence only: its advice lines ("Did you forget…") would break the one-line promise.
    throw new UsageError(undefined, message.split(/\.\s/)[0] ?? message);
  }
  if (values.help) return "help";
  if (values.account === undefined) throw new UsageError("--account", "is required");
  if (!values.definition?.length)
    throw new UsageError("--definition", "is required (repeat it to watch several)");
  if (values.since !== undefined && values.lookback !== undefined) {
    throw new UsageError("--since", "cannot be combined with --lookback: each sets where the window starts");
  }
  const hook = values.webhook ?? (env.WORKFLOWS_MONITOR_WEBHOOK || undefined);
  const hookSource = values.webhook === undefined ? "WORKFLOWS_MONITOR_WEBHOOK" : "--webhook";
  // Checked with or without a webhook: a mistake is refused now, not when a webhook is added.
  const hookOptions = {
    timeoutMs: parseDuration("--webhook-timeout", values["webhook-timeout"]),
    retries: count("--webhook-retries", values["webhook-retries"], DEFAULTS.webhookRetries, 0, 10),
  };
  return {
    accountId: values.account,
    definitionIds: values.definition,
    version: integer(values.version),
    pageSize: integer(values["page-size"]),
    intervalMs: parseDuration("--interval", values.interval),
    // Not a timer, so longer than 24 days is fine: a year at most.
    lookbackMs: parseDuration("--lookback", values.lookback ?? DEFAULTS.lookback, 366 * 86_400_000),
    since: values.since,
    maxBackoffMs: parseDuration("--max-backoff", values["max-backoff"]),
    maxReported: count("--max-reported", values["max-reported"], DEFAULTS.maxReported, 1, 1_000_000),
    checkpointPath: values.checkpoint,
    webhook: hook === undefined ? undefined : { url: webhookUrl(hookSource, hook), ...hookOptions },
    once: values.once,
    verbose: values.verbose,
  };
}
