// Deterministic helpers for unit tests: no socket, no wall clock.
export { errorBody, workflowsPath } from "./api.js";
export { createVirtualClock, type TimerRecord, VIRTUAL_EPOCH, type VirtualClock } from "./clock.js";
export {
  apiError,
  createObservedFetch,
  cutOffBody,
  type FetchHandler,
  hang,
  inOrder,
  json,
  networkError,
  type ObservedFetch,
  rejectionOf,
  stalledBody,
  text,
} from "./fetch.js";
export { type SleepClock, type SleepingVirtualClock, withSleep } from "./sleep.js";
