export {
  fetchWithPrefer,
  type PreferMiddleware,
  type PreferOptions,
  prefer,
  preferMiddleware,
} from "./prefer.js";
export {
  defaultSpecPath,
  formatLogEntry,
  type MockLogEntry,
  type MockLogLevel,
  type MockOptions,
  type MockServer,
  startMock,
} from "./server.js";
