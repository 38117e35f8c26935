export {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type Evidence,
  type EvidenceRequest,
  type Verdict,
} from "./checks.js";
export { InvalidHarError } from "./exchange.js";
export { formatProbeJson, formatProbeJunit, formatProbeTable, verdictCounts } from "./format.js";
export { BAD_KEY, BEFORE_ANY_INSTANCE, type LiveProbeOptions, NOT_A_UUID } from "./live.js";
export {
  type HarProbeOptions,
  type ProbeOptions,
  type ProbeReport,
  probeConformance,
  type SpecOption,
} from "./probe.js";
export { defaultSpecPath } from "./spec.js";
