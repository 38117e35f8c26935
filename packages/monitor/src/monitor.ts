import {
  compareTimestamps,
  createWorkflowsClient,
  type IterateWorkflowInstancesInput,
  RateLimitError,
  type WorkflowInstance,
  type WorkflowsClient,
} from "@workflows-kit/client";
import { type AlertSink, DeliveryError, type TerminatedAlert, toAlert } from "./alert.js";
import {
  type Checkpoint,
  type CheckpointStore,
  type DefinitionState,
  laterWindow,
  trim,
} from "./checkpoint.js";
import { backoffMs, type Clock, MAX_DELAY_MS, systemClock } from "./clock.js";
import { classify, errorFields } from "./errors.js";
import { type Logger, silentLogger } from "./log.js";

export interface MonitorOptions {
  /** The API client (`createWorkflowsClient`); its retries and timeouts apply to every request. */
  client: WorkflowsClient;
  accountId: string;
  /** The definitions to watch (UUIDs); repeats are watched once. */
  definitionIds: readonly string[];
  /** Watch this definition version. Default: the latest, as the API serves it when none is asked for. */
  version?: number | undefined;
  /** Time between two poll cycles. */
  intervalMs: number;
  /** How far back over `startedAt` each poll looks: the longest run time that is still caught. */
  lookbackMs: number;
  /** A fixed window start (ISO 8601) used instead of `lookbackMs` before now. */
  since?: string | undefined;
  /** Instances per request (the API's `limit`, 1–500). Default 500: the fewest requests per poll. */
  pageSize?: number | undefined;
  /** Reported ids kept per definition; past it the window shrinks (a warning says so). Default 10 000. */
  maxReported?: number | undefined;
  /** Longest wait between cycles after failures (a `Retry-After` may ask for more). Default 600 000 ms. */
  maxBackoffMs?: number | undefined;
  checkpoint: CheckpointStore;
  /** Where alerts go, in order; an alert is reported once every sink took it. */
  sinks: readonly AlertSink[];
  log?: Logger | undefined;
  clock?: Clock | undefined;
  /** [0, 1), for backoff jitter. Default Math.random. */
  random?: (() => number) | undefined;
}

/** A definition whose poll, or an alert's delivery, failed in a way that passes. */
export interface PollFailure {
  definitionId: string;
  error: Error;
}

export interface PollResult {
  /** Alerts every sink took in this cycle, oldest `startedAt` first per definition. */
  alerts: TerminatedAlert[];
  failures: PollFailure[];
  /** When the next cycle should start: the interval, or a backoff after failures (at least any `Retry-After`). */
  nextPollInMs: number;
}

export interface Monitor {
  /** One poll cycle over every watched definition. Throws what needs a person (bad key, unknown definition). */
  pollOnce(signal?: AbortSignal): Promise<PollResult>;
  /** Writes the checkpoint now. */
  save(): Promise<void>;
  /**
   * Polls every `intervalMs` (or backs off), writing the checkpoint after each cycle, until `signal`
   * aborts; then writes it once more and resolves. Rejects on a fatal error, after writing it.
   */
  run(signal?: AbortSignal): Promise<void>;
  /** What the checkpoint would hold now. */
  snapshot(): Checkpoint;
}

const iso = (ms: number) => new Date(ms).toISOString();
const byStart = (a: WorkflowInstance, b: WorkflowInstance) =>
  compareTimestamps(a.startedAt, b.startedAt) || a.workflowId.localeCompare(b.workflowId);

/** Definitions worth keeping in the checkpoint: one never polled (or refused by the server) holds nothing. */
const remembers = (d: DefinitionState) => d.windowFrom !== undefined || d.reported.size > 0;

/**
 * Checks what every poll will send with the client's own checks, sending nothing: the walk runs on a
 * client whose fetch answers an empty page in-process. Rejects with the client's InvalidParameterError.
 */
async function checkParameters(queries: readonly IterateWorkflowInstancesInput[]): Promise<void> {
  const offline = createWorkflowsClient({
    apiKey: "offline-check",
    fetch: async () => Response.json([]),
    maxRetries: 0,
  });
  for (const query of queries) {
    for await (const _ of offline.iterateWorkflowInstancePages(query)) {
      // An empty page: nothing to see, only the checks that ran before it.
    }
  }
}

/**
 * Checks the parameters every poll will send (the client's checks against the spec, nothing sent),
 * then loads the checkpoint and returns a monitor ready to poll. Rejects before any side effect.
 */
export async function createMonitor(options: MonitorOptions): Promise<Monitor> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const log = options.log ?? silentLogger;
  const pageSize = options.pageSize ?? 500;
  const maxReported = options.maxReported ?? 10_000;
  const maxBackoffMs = Math.max(options.maxBackoffMs ?? 600_000, options.intervalMs);
  const { client, accountId } = options;

  /** What a poll asks for: the Terminated instances of a definition started from `startTimeFrom` on. */
  const query = (definitionId: string, startTimeFrom: string): IterateWorkflowInstancesInput => ({
    accountId,
    definitionId,
    status: "Terminated",
    startTimeFrom,
    pageSize,
    ...(options.version === undefined ? {} : { version: options.version }),
  });
  const windowStart = () => options.since ?? iso(clock.now() - options.lookbackMs);
  const firstFrom = windowStart();
  await checkParameters(options.definitionIds.map((id) => query(id, firstFrom)));

  const loaded = await options.checkpoint.load();
  // Definitions no longer watched stay in the file untouched: watching them again must not repeat alerts.
  const others = (loaded?.definitions ?? []).filter(
    (d) => d.accountId !== accountId || !options.definitionIds.some((id) => sameId(id, d.definitionId)),
  );
  const watched: DefinitionState[] = [];
  for (const definitionId of options.definitionIds) {
    if (watched.some((d) => sameId(d.definitionId, definitionId))) continue;
    const saved = loaded?.definitions.find(
      (d) => d.accountId === accountId && sameId(d.definitionId, definitionId),
    );
    watched.push(saved ?? { accountId, definitionId, windowFrom: undefined, reported: new Map() });
  }
  let failedCycles = 0;
  /** Where the next cycle starts: a definition skipped after a 429 goes first next time. */
  let first = 0;
  /** Definitions polled at least once: the first poll of each says if the checkpoint holds its window back. */
  const polled = new Set<DefinitionState>();

  /** The walk over the window from `startTimeFrom`; collects instances terminated and not reported yet. */
  async function collect(
    state: DefinitionState,
    startTimeFrom: string,
    found: WorkflowInstance[],
    signal: AbortSignal | undefined,
  ) {
    const pages = client.iterateWorkflowInstancePages(
      query(state.definitionId, startTimeFrom),
      signal ? { signal } : {},
    );
    for await (const page of pages) {
      for (const instance of page) {
        // The API filters by status and start; checking again keeps a server's slip from repeating alerts.
        if (instance.status !== "Terminated" || state.reported.has(instance.workflowId)) continue;
        if (compareTimestamps(instance.startedAt, startTimeFrom) < 0) continue;
        found.push(instance);
      }
    }
  }

  /** Hands each new instance to every sink, oldest first; stops at the first delivery that fails. */
  async function deliver(
    state: DefinitionState,
    found: WorkflowInstance[],
    result: PollResult,
    signal?: AbortSignal,
  ) {
    for (const instance of found.sort(byStart)) {
      const alert = toAlert(accountId, state.definitionId, instance, iso(clock.now()));
      for (const sink of options.sinks) await sink.deliver(alert, signal);
      state.reported.set(instance.workflowId, instance.startedAt);
      result.alerts.push(alert);
    }
  }

  async function pollOnce(signal?: AbortSignal): Promise<PollResult> {
    const result: PollResult = { alerts: [], failures: [], nextPollInMs: options.intervalMs };
    const lookbackFrom = windowStart();
    let retryAfterMs = 0;
    const order = [...watched.slice(first), ...watched.slice(0, first)];
    first = 0;
    for (const [index, state] of order.entries()) {
      // Never before what the checkpoint may have forgotten: those ids would be reported again.
      const from = laterWindow(state.windowFrom, lookbackFrom);
      if (!polled.has(state) && from !== lookbackFrom) {
        log("warn", "lookback_limited", { definitionId: state.definitionId, windowFrom: from, lookbackFrom });
      }
      polled.add(state);
      const found: WorkflowInstance[] = [];
      let failure: unknown;
      try {
        await collect(state, from, found, signal);
      } catch (error) {
        if (signal?.aborted || classify(error).kind !== "transient") throw error;
        failure = error;
      }
      try {
        // A walk that failed part-way still reports what its complete pages held.
        await deliver(state, found, result, signal);
      } catch (error) {
        if (signal?.aborted || !(error instanceof DeliveryError)) throw error;
        result.failures.push({ definitionId: state.definitionId, error });
        log("warn", "delivery_failed", { definitionId: state.definitionId, ...errorFields(error) });
        break; // the sink is down: the rest waits for the next cycle
      } finally {
        const shrunk = trim(state, maxReported, from);
        if (shrunk !== undefined) {
          log("warn", "window_shrunk", { definitionId: state.definitionId, windowFrom: shrunk, maxReported });
        }
      }
      if (failure === undefined) continue;
      result.failures.push({ definitionId: state.definitionId, error: failure as Error });
      log("warn", "poll_failed", { definitionId: state.definitionId, ...errorFields(failure) });
      if (failure instanceof RateLimitError) {
        // Polling the other definitions would only prolong the limit; this one goes first next time.
        retryAfterMs = Math.max(retryAfterMs, failure.retryAfterMs ?? 0);
        first = watched.indexOf(order[index] as DefinitionState);
        break;
      }
    }
    failedCycles = result.failures.length === 0 ? 0 : failedCycles + 1;
    if (failedCycles > 0) {
      const backoff = backoffMs(failedCycles, options.intervalMs, maxBackoffMs, random);
      result.nextPollInMs = Math.min(Math.max(backoff, retryAfterMs), MAX_DELAY_MS);
    }
    log("debug", "poll", {
      alerts: result.alerts.length,
      failures: result.failures.length,
      nextPollInMs: Math.round(result.nextPollInMs),
    });
    return result;
  }

  const snapshot = (): Checkpoint => ({ definitions: [...watched.filter(remembers), ...others] });
  const save = () => options.checkpoint.save(snapshot(), iso(clock.now()));

  async function run(signal?: AbortSignal): Promise<void> {
    try {
      for (;;) {
        const { nextPollInMs } = await pollOnce(signal);
        // A checkpoint that cannot be written must not stop the alerts; the next cycle tries again.
        await save().catch((error: unknown) => log("error", "checkpoint_failed", errorFields(error)));
        await clock.sleep(nextPollInMs, signal);
      }
    } catch (error) {
      if (!signal?.aborted) {
        await save().catch((saveError: unknown) => log("error", "checkpoint_failed", errorFields(saveError)));
        throw error;
      }
    }
    await save();
  }

  return { pollOnce, save, run, snapshot };
}

/** Definition ids are UUIDs: compared without regard to case. */
function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
