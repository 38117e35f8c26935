import { createWorkflowsClient } from "@workflows-kit/client";
import {
  createVirtualClock,
  type SleepingVirtualClock,
  type TimerRecord,
  type VirtualClock,
  withSleep,
} from "@workflows-kit/testing";
import {
  type AlertSink,
  type CheckpointStore,
  createMonitor,
  DeliveryError,
  type LogLevel,
  type MonitorOptions,
  memoryCheckpointStore,
  type TerminatedAlert,
} from "../../src/index.js";
import { ACCOUNT, API_URL, type Api, createApi, DEFINITION } from "./api.js";

export const HOUR = 3_600_000;
/** Where the tests' virtual time starts. */
export const START = Date.parse("2021-07-01T00:00:00Z");

/** The shared virtual clock from START, with the monitor's `sleep` on its timers: the monitor's and the client's clock. */
export const virtualClock = (): SleepingVirtualClock => withSleep(createVirtualClock(START));

/** The client's bound on each request attempt here: a timer this long is a request in flight, not a wait. */
export const ATTEMPT_TIMEOUT_MS = 7_000;

/** Resolves with the next wait (a timer that is no attempt's timeout, `attemptMs`) once it is set. */
export const nextWait = (clock: VirtualClock, attemptMs = ATTEMPT_TIMEOUT_MS): Promise<TimerRecord> =>
  clock.timerSet((timer) => timer.ms !== attemptMs);

/** A client on `fetch` and `clock`, without retries (the client's own backoff is the client's tests' concern). */
export const clientFor = (fetch: typeof globalThis.fetch, clock: SleepingVirtualClock = virtualClock()) =>
  createWorkflowsClient({
    apiKey: "test-key",
    baseUrl: API_URL,
    fetch,
    maxRetries: 0,
    timeoutMs: ATTEMPT_TIMEOUT_MS,
    clock,
  });

/** A sink that keeps what it got; `failing` makes it refuse (as a webhook that is down). */
export class RecordingSink implements AlertSink {
  readonly alerts: TerminatedAlert[] = [];
  failing = false;
  async deliver(alert: TerminatedAlert): Promise<void> {
    if (this.failing) throw new DeliveryError("the sink is down");
    this.alerts.push(alert);
  }
  get ids(): string[] {
    return this.alerts.map((a) => a.workflowId);
  }
}

export interface LogEntry {
  level: LogLevel;
  event: string;
  fields: Record<string, unknown>;
}

export interface Setup {
  api: Api;
  clock: SleepingVirtualClock;
  sink: RecordingSink;
  store: CheckpointStore & { readonly text: string | undefined };
  logs: LogEntry[];
  options: MonitorOptions;
}

/**
 * The monitor on the in-memory reference provider and a virtual clock (from START), lookback 1 h,
 * interval 1 min, no client retries.
 */
export function setup({
  api = createApi(),
  clock = virtualClock(),
  ...overrides
}: Partial<MonitorOptions> & { api?: Api; clock?: SleepingVirtualClock } = {}): Setup {
  const sink = new RecordingSink();
  const store = memoryCheckpointStore();
  const logs: LogEntry[] = [];
  const options: MonitorOptions = {
    client: clientFor(api.fetch, clock),
    accountId: ACCOUNT,
    definitionIds: [DEFINITION],
    intervalMs: 60_000,
    lookbackMs: HOUR,
    checkpoint: store,
    sinks: [sink],
    log: (level, event, fields = {}) => logs.push({ level, event, fields }),
    clock,
    random: () => 0.5,
    ...overrides,
  };
  return { api, clock, sink, store, logs, options };
}

/** Creates the monitor of a setup. */
export const monitorOf = (s: Setup) => createMonitor(s.options);
