export { type Bump, type Changeset, highestBumps, parseChangeset, readChangesets } from "./changesets.js";
export { diffSpecs, type SpecChange } from "./classify.js";
export { DEFAULT_SPEC, GATED_PACKAGES, type Outcome, runDiff, runGate } from "./commands.js";
export { type Base, lastReleaseTag, pickDiffBase, pickGateBase, RELEASE_TAG_PATTERNS } from "./git.js";
export { normalizeSpec } from "./normalize.js";
export { formatChanges, summary } from "./report.js";
