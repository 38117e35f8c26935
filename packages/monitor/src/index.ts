export {
  type AlertSink,
  DeliveryError,
  ndjsonSink,
  OutputError,
  type TerminatedAlert,
  toAlert,
} from "./alert.js";
export { DEFAULTS, type MonitorConfig, parseConfig, parseDuration } from "./args.js";
export {
  CHECKPOINT_FORMAT,
  type Checkpoint,
  type CheckpointStore,
  type DefinitionState,
  fileCheckpointStore,
  memoryCheckpointStore,
  parseCheckpoint,
  serializeCheckpoint,
  trim,
} from "./checkpoint.js";
export { backoffMs, type Clock, systemClock } from "./clock.js";
export { CheckpointError, classify, ExitCode, errorFields, UsageError, type Verdict } from "./errors.js";
export { jsonLogger, type Logger, type LogLevel, silentLogger } from "./log.js";
export {
  createMonitor,
  type Monitor,
  type MonitorOptions,
  type PollFailure,
  type PollResult,
} from "./monitor.js";
export { type RunIO, run } from "./run.js";
export { type SignalSource, stopOnSignals } from "./signals.js";
export { WebhookError, type WebhookOptions, webhookSink } from "./webhook.js";
