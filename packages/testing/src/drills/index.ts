// Drills on real loopback sockets: servers, faults, the leak checker, the stage and the runners.
export { type ChildOptions, type ChildResult, runChild } from "./child.js";
export {
  always,
  apiError,
  type Fault,
  type FaultContext,
  type FaultPlan,
  type FaultServer,
  type FaultServerOptions,
  htmlPage,
  httpDate,
  httpDateRateLimit,
  rateLimit,
  startFaultServer,
  type UpstreamReply,
} from "./faults.js";
export { failOnUnhandled, trackResources, withoutLeaks } from "./leaks.js";
export {
  type DescribedError,
  type DrillCall,
  type DrillClient,
  describeError,
  describeItems,
  type Outcome,
  runCall,
} from "./outcome.js";
export {
  jsonLine,
  killLeftovers,
  LINE_WITHIN_MS,
  type LineMatch,
  type LinePattern,
  Lines,
  type ProcessExit,
  type ProcessOptions,
  type RunningProcess,
  startProcess,
  type WaitOptions,
} from "./process.js";
export { type Handler, type RecordedRequest, startServer, type TestServer } from "./server.js";
export {
  type DrillProvider,
  drillIds,
  EARLY_MS,
  type ProviderModule,
  reordered,
  SLACK_MS,
  type Staged,
  type StageOptions,
  stage,
} from "./stage.js";
