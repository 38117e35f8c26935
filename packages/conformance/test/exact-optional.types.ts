// Type-level test, compiled by `typecheck` (exactOptionalPropertyTypes, as strict consumers have it):
// every optional option of the probe takes `undefined` explicitly, as the client's do.
import type { HarProbeOptions, LiveProbeOptions } from "../src/index.js";

declare const maybeNumber: number | undefined;

export const live: LiveProbeOptions = {
  apiKey: "k",
  accountId: "acme",
  definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230",
  baseUrl: undefined,
  fetch: undefined,
  maxRequests: maybeNumber,
  timeoutMs: maybeNumber,
  maxRetryAfterMs: maybeNumber,
  sleep: undefined,
  now: undefined,
  signal: undefined,
};
export const recorded: HarProbeOptions = {
  har: { log: { entries: [] } },
  accountId: undefined,
  definitionId: undefined,
  spec: undefined,
};
