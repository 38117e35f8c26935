export { type PreferOptions, prefer } from "./prefer.js";
export {
  defaultSpecPath,
  formatLogEntry,
  type MockLogEntry,
  type MockLogLevel,
  type MockOptions,
  type MockServer,
  startMock,
} from "./server.js";
