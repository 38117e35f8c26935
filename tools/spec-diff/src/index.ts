export { type Bump, type Changeset, highestBumps, parseChangeset, readChangesets } from "./changesets.js";
export {
  type ConsumerBreak,
  type DetailedDiff,
  diffSpecs,
  diffSpecsDetailed,
  type SpecChange,
} from "./classify.js";
export { DEFAULT_SPEC, GATED_PACKAGES, type Outcome, runDiff, runGate } from "./commands.js";
export { type ConsumerCheck, findBrokenConsumers } from "./consumers.js";
export { applyDifferences, viewToSpec } from "./denormalize.js";
export { type Base, lastReleaseTag, pickBase, RELEASE_TAG_PATTERNS } from "./git.js";
export { normalizeSpec } from "./normalize.js";
export { consumersText, formatChanges, summary } from "./report.js";
