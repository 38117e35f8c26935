import { toTicks, type WorkflowInstance, workflowStatuses } from "@workflows-kit/client";

/** The status that counts as a failure. */
export const FAILURE_STATUS = "Terminated";

/** Run time (startedAt → completedAt) statistics, in 100 ns ticks. */
export interface RunTimeStats {
  /** Instances that have a `completedAt` and parseable timestamps. */
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface Summary {
  total: number;
  /** Every status the spec lists (0 when absent), plus any other the server sent. */
  byStatus: Record<string, number>;
  failures: { status: typeof FAILURE_STATUS; count: number; share: number };
  /** Undefined when no instance has completed. */
  runTime: RunTimeStats | undefined;
}

/**
 * The p-th percentile of ascending `sorted` by nearest rank: the smallest value with at least
 * p % of the values at or below it. `p` in 1..100; `sorted` not empty.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  // p·n is an exact integer, so the division rounds at most once and ceil stays exact.
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1] as number;
}

/**
 * Builds a summary one instance at a time, so a walk never has to be held in memory. Run times
 * are exact (100 ns ticks from the timestamp strings, no Date rounding); exact percentiles need
 * every duration, so memory is 8 bytes per completed instance (a few million is a few tens of MB).
 */
export class SummaryBuilder {
  #total = 0;
  readonly #byStatus: Record<string, number> = Object.fromEntries(workflowStatuses.map((s) => [s, 0]));
  #durations = new Float64Array(1024);
  #count = 0;

  add(instance: WorkflowInstance): void {
    this.#total++;
    this.#byStatus[instance.status] = (this.#byStatus[instance.status] ?? 0) + 1;
    if (instance.completedAt === null) return;
    const started = toTicks(instance.startedAt);
    const completed = toTicks(instance.completedAt);
    if (started === undefined || completed === undefined) return;
    if (this.#count === this.#durations.length) {
      const grown = new Float64Array(this.#durations.length * 2);
      grown.set(this.#durations);
      this.#durations = grown;
    }
    // Exact as a double up to 2^53 ticks (28 years).
    this.#durations[this.#count++] = Number(completed - started);
  }

  result(): Summary {
    const failures = this.#byStatus[FAILURE_STATUS] ?? 0;
    return {
      total: this.#total,
      byStatus: { ...this.#byStatus },
      failures: {
        status: FAILURE_STATUS,
        count: failures,
        share: this.#total === 0 ? 0 : failures / this.#total,
      },
      runTime: this.#runTime(),
    };
  }

  #runTime(): RunTimeStats | undefined {
    if (this.#count === 0) return undefined;
    // A typed array sorts numerically, in place, without boxing.
    const sorted = this.#durations.subarray(0, this.#count).sort();
    return {
      count: this.#count,
      min: sorted[0] as number,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[this.#count - 1] as number,
    };
  }
}

/** Summarizes a whole iterable (or a walk) of instances. */
export async function summarize(
  instances: Iterable<WorkflowInstance> | AsyncIterable<WorkflowInstance>,
): Promise<Summary> {
  const builder = new SummaryBuilder();
  for await (const instance of instances) builder.add(instance);
  return builder.result();
}
