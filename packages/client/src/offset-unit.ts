import type { OffsetUnit } from "@workflows-kit/types";

/**
 * What the check page (`limit=2&offset=1`) says about the server: the unit `offset` counts, that
 * it ignores `offset`, that the page fits no reading (`"inconsistent"`), or that the list is too
 * short to tell (`"unknown"`: both units give the same answer, so a walk is right either way).
 */
export type UnitEvidence = OffsetUnit | "ignored" | "inconsistent" | "unknown";

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
  // Each reading of `limit=2&offset=1` starts the check page at the list's 1st, 2nd or 3rd instance.
  const fitting = (["ignored", "items", "pages"] as const).filter((_, start) =>
    [check[0], check[1]].every((id, index) =>
      start + index < known.length
        ? id === known[start + index]
        : // Past what is known: the list's end, or (unless it is complete) anything the head does not hold.
          id === undefined || (!complete && !known.includes(id)),
    ),
  );
  return fitting.length === 1 ? (fitting[0] as UnitEvidence) : fitting.length ? "unknown" : "inconsistent";
}
