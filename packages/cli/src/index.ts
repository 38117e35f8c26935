export {
  type Command,
  type Filters,
  LIST_FORMATS,
  type ListCommand,
  type ListFormat,
  OFFSET_UNITS,
  type OffsetUnitSetting,
  parseCommand,
  SUMMARY_FORMATS,
  type SummaryCommand,
  type SummaryFormat,
} from "./args.js";
export {
  ExitCode,
  type Failure,
  InterruptedError,
  MissingApiKeyError,
  OutputError,
  type RawInputs,
  toFailure,
  UsageError,
} from "./errors.js";
export { CSV_COLUMNS, csvField, csvHeader, csvRecord, csvRows } from "./format/csv.js";
export { formatJson } from "./format/json.js";
export { ndjsonLines } from "./format/ndjson.js";
export { formatSeconds, formatSummaryJson, formatSummaryTable } from "./format/summary.js";
export { type Align, formatInstanceTable, formatTable, TABLE_COLUMNS } from "./format/table.js";
export { type RunIO, run } from "./run.js";
export {
  FAILURE_STATUS,
  percentile,
  type RunTimeStats,
  type Summary,
  SummaryBuilder,
  summarize,
} from "./summary.js";
