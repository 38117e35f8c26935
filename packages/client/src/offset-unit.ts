import type { OffsetUnit } from "@workflows-kit/types";

/**
 * What the check page (`limit=2&offset=1`) says about the server: the unit `offset` counts, that
 * it ignores `offset`, that the page fits no reading (`"inconsistent"`), or that the list is too
 * short to tell (`"unknown"`: both units give the same answer, so a walk is right either way).
 */
export type UnitEvidence = OffsetUnit | "ignored" | "inconsistent" | "unknown";

/** Where the check page starts in the list under each reading of `limit=2&offset=1`. */
const READINGS: [Exclude<UnitEvidence, "inconsistent" | "unknown">, number][] = [
  ["ignored", 0],
  ["items", 1],
  ["pages", 2],
];

/**
 * Judges the check page against the head of the same list (same filters and bound).
 * `first`: the ids of the walk's first page. `known`: the ids the list is known to start with;
 * `complete` when that is the whole list. `check`: the ids of the `limit=2&offset=1` page.
 */
export function judgeOffsetUnit(
  first: readonly string[],
  known: readonly string[],
  complete: boolean,
  check: readonly string[],
): UnitEvidence {
  // The first page's newest instances lie past the bound: a check page starting with them ignored both.
  if (check.length > 0 && known[0] !== first[0] && check.every((id, index) => id === first[index])) {
    return "ignored";
  }
  const fitting = READINGS.filter(([, start]) =>
    [0, 1].every((index) => {
      const position = start + index;
      const id = check[index];
      if (position < known.length) return id === known[position];
      if (complete) return id === undefined;
      // Past what is known: anything the known head does not hold (or the list's end).
      return id === undefined || !known.includes(id);
    }),
  );
  const [only] = fitting;
  if (fitting.length === 1 && only) return only[0];
  return fitting.length === 0 ? "inconsistent" : "unknown";
}
