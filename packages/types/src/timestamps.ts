// Timestamps stay strings end to end: 8x8 sends up to 7 fractional digits and Date keeps 3.

const PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

/**
 * 100 ns ticks since the epoch, or undefined when `value` is not a real RFC 3339 date-time (which
 * also bounds the UTC offset: ±23:59 at most).
 */
export function toTicks(value: string): bigint | undefined {
  const m = PARTS.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction = "", sign, oh = "0", om = "0"] = m as unknown as string[];
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = [y, mo, d, h, mi, s, oh, om].map(
    Number,
  ) as number[] as [number, number, number, number, number, number, number, number];
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  const utc = check.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
  // Date.UTC rolls 2021-02-30 over to March; a real calendar date must survive the round trip.
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHour > 23 ||
    offsetMinute > 59
  ) {
    return undefined;
  }
  const offsetMinutes = (sign === "-" ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  const millis = BigInt(utc - offsetMinutes * 60_000);
  return millis * 10_000n + BigInt(fraction.padEnd(7, "0"));
}

/** Orders two timestamps by the instant they name, at full precision (invalid ones sort first). */
export function compareTimestamps(a: string, b: string): number {
  const [x, y] = [toTicks(a) ?? -1n, toTicks(b) ?? -1n];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The later of two timestamps (the first one on a tie). */
export function laterOf(a: string, b: string): string {
  return compareTimestamps(b, a) > 0 ? b : a;
}
