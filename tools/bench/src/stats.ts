/** The q-quantile (0..1) of `values`, linear between the two nearest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/** Median and interquartile range, the spread every table shows next to a ratio. */
export interface Summary {
  median: number;
  p25: number;
  p75: number;
  samples: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    samples: values.length,
  };
}

/** Milliseconds that `run` takes. */
export async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/**
 * Runs every contestant once per round, in an order that rotates each round so that none always
 * goes first (or right after a GC-heavy one), and returns each one's measurements by round.
 * Round r of every contestant ran back to back, so per-round ratios cancel slow drifts of the
 * machine (other processes, thermal, GC) that medians over the whole run would not.
 */
export async function interleave<K extends string>(
  contestants: Record<K, () => Promise<number>>,
  rounds: number,
): Promise<Record<K, number[]>> {
  const names = Object.keys(contestants) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as K;
      results[name].push(await contestants[name]());
    }
  }
  return results;
}

/** Per-round ratios a[r] / b[r]. */
export const ratios = (a: readonly number[], b: readonly number[]) =>
  a.map((value, round) => value / (b[round] as number));

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));
