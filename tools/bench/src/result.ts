/** A target on a row's ratio or on its subject's own value (a size, a memory growth). */
export interface Target {
  on: "ratio" | "value";
  op: "<=" | ">=";
  value: number;
  /** How the docs state it, e.g. "≤ 1.05×". */
  text: string;
}

/** One line of a benchmark's table: a subject against the baseline measured in the same run. */
export interface Row {
  case: string;
  baseline: string;
  subject: string;
  unit: string;
  baselineValue: number;
  subjectValue: number;
  /** The figure of the row, as the benchmark's `ratio` defines it. */
  ratio: number;
  /** Interquartile range of the per-round ratios, where there were rounds. */
  spread?: [number, number];
  target?: Target;
  met?: boolean;
}

export interface BenchmarkResult {
  id: string;
  title: string;
  /** What the ratio is, e.g. "client time / baseline time (lower is better)". */
  ratio: string;
  /** How it was measured: sizes, rounds, warm-up, load. */
  method: string;
  rows: Row[];
  notes: string[];
  seconds: number;
  measuredAt: string;
}

export function check(row: Omit<Row, "met">): Row {
  if (!row.target) return row;
  const actual = row.target.on === "ratio" ? row.ratio : row.subjectValue;
  const met = row.target.op === "<=" ? actual <= row.target.value : actual >= row.target.value;
  return { ...row, met };
}
