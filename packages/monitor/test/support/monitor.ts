import { createWorkflowsClient } from "@workflows-kit/client";
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
import { ACCOUNT, API_URL, DEFINITION, FakeApi } from "./api.js";
import { VirtualClock } from "./clock.js";

export const HOUR = 3_600_000;

/** A client on `fetch`, without retries (the client's own backoff is the client's tests' concern). */
export const clientFor = (fetch: typeof globalThis.fetch) =>
  createWorkflowsClient({ apiKey: "test-key", baseUrl: API_URL, fetch, maxRetries: 0 });

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
  api: FakeApi;
  clock: VirtualClock;
  sink: RecordingSink;
  store: CheckpointStore & { readonly text: string | undefined };
  logs: LogEntry[];
  options: MonitorOptions;
}

/**
 * The monitor on the in-memory API and a virtual clock (2021-07-01T00:00:00Z), lookback 1 h,
 * interval 1 min, no client retries.
 */
export function setup({
  api = new FakeApi(),
  clock = new VirtualClock(),
  ...overrides
}: Partial<MonitorOptions> & { api?: FakeApi; clock?: VirtualClock } = {}): Setup {
  const sink = new RecordingSink();
  const store = memoryCheckpointStore();
  const logs: LogEntry[] = [];
  const options: MonitorOptions = {
    client: clientFor(api.fetch),
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
