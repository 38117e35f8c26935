export { gitVersion, isDirty } from "./git.js";
export {
  type Broker,
  brokerFromEnv,
  CONSUMER_VERSION_SELECTORS,
  type Command,
  type Env,
  formatCommand,
  type ProbeReport,
  publishPactsCommand,
  publishProviderContractCommand,
  readProbeReport,
  redactUrl,
  type Version,
  verificationPublishing,
} from "./plan.js";
export {
  DEFAULT_PROBE_REPORT,
  type Exec,
  execPact,
  type Outcome,
  publish,
  SPEC_FILE,
  spawnPact,
} from "./publish.js";
