import { type ListWorkflowInstancesParams, listWorkflowInstancesParameters } from "@workflows-kit/types";
import { InvalidParameterError } from "./errors.js";
import { checkOption } from "./options.js";

/** A date filter: a `Date` (sent with millisecond precision) or an ISO 8601 string (sent unchanged). */
export type DateInput = Date | string;

type RequiredKeys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];
/** `T` whose optional properties also take `undefined`, for callers with `exactOptionalPropertyTypes`. */
type AllowUndefined<T> = { [K in keyof T]: K extends RequiredKeys<T> ? T[K] : T[K] | undefined };

type ListInput = AllowUndefined<
  Omit<ListWorkflowInstancesParams, "startTimeFrom" | "startTimeTo"> & {
    startTimeFrom?: DateInput;
    startTimeTo?: DateInput;
  }
>;
type WalkParams = AllowUndefined<
  Omit<ListInput, "limit" | "offset"> & {
    /** Items per request (the spec's `limit`, 1–500). Default: the spec's default limit. */
    pageSize?: number;
    /**
     * Stop after this many instances (never more are yielded). With offset in items the last request
     * asks for exactly what is left; in pages it asks for the smallest page size at least that which
     * divides its position, so it may read fewer than `pageSize` instances past it, dropped.
     */
    maxItems?: number;
    /**
     * Read-ahead: keep up to this many of the next pages in flight while the consumer works on the
     * current one (0–16, default 0: one request at a time). From the second page on, once the walk
     * is pinned. Up to this many requests past the last page may be sent; they are aborted.
     */
    prefetch?: number;
  }
>;

// A mapped type written here carries the alias: compiler errors say `ListWorkflowInstancesInput`, not
// `AllowUndefined<Omit<…>>` (an interface would too, but loses assignability to Record<string, unknown>).
/** Parameters of one page request; see the spec for each one's meaning. */
export type ListWorkflowInstancesInput = { [K in keyof ListInput]: ListInput[K] };
/** Filters of a full walk: everything but limit/offset, which the walk owns (passing them is an error). */
export type IterateWorkflowInstancesInput = { [K in keyof WalkParams]: WalkParams[K] };

/** A walk's input, split: the filters as they go on the wire, and the walk's own options. */
export interface WalkInput {
  filters: ListWorkflowInstancesParams;
  pageSize: number;
  maxItems: number;
  prefetch: number;
}

/** The spec's default `limit`: the page size of a walk, and what a page without `limit` may hold. */
export const DEFAULT_LIMIT = listWorkflowInstancesParameters.limit.schema.default;

function toWireDate(name: string, value: DateInput | undefined): string | undefined {
  if (!(value instanceof Date)) return value;
  if (Number.isNaN(value.getTime())) throw new InvalidParameterError(name, value, "is an invalid Date");
  return value.toISOString();
}

/** A URL carries neither a lone surrogate (encodeURIComponent throws) nor an integer past 2^53 ("1e+21"). */
function urlSafe(value: unknown): boolean {
  if (typeof value !== "string") return !Number.isInteger(value) || Number.isSafeInteger(value);
  try {
    encodeURIComponent(value);
  } catch {
    return false;
  }
  return true;
}

/**
 * Dates to strings, undefined values dropped; checks that hold even with `validate: false`
 * because the URL could not carry the value.
 */
export function toWire(params: ListWorkflowInstancesInput): ListWorkflowInstancesParams {
  if (typeof params !== "object" || params === null) {
    throw new InvalidParameterError("params", params, "must be an object");
  }
  for (const name of ["accountId", "definitionId"] as const) {
    // "." and ".." are dot-segments: URL parsers remove them, even percent-encoded.
    if (params[name] === "." || params[name] === "..") {
      throw new InvalidParameterError(name, params[name], "cannot be '.' or '..'");
    }
  }
  const wire: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!urlSafe(value)) throw new InvalidParameterError(name, value, "cannot go into a URL as is");
    const date = name === "startTimeFrom" || name === "startTimeTo";
    const sent = date ? toWireDate(name, value as DateInput | undefined) : value;
    if (sent !== undefined) wire[name] = sent;
  }
  return wire as ListWorkflowInstancesParams;
}

/** A walk's options checked and its filters put in wire form. */
export function toWalk(params: IterateWorkflowInstancesInput): WalkInput {
  const {
    pageSize = DEFAULT_LIMIT,
    maxItems = Infinity,
    prefetch = 0,
    // Not in the type, yet easy to pass: the walk sets both on every request, so they would be lost.
    limit,
    offset,
    ...filters
  } = (params ?? {}) as IterateWorkflowInstancesInput & Pick<ListWorkflowInstancesParams, "limit" | "offset">;
  for (const [name, value] of Object.entries({ limit, offset })) {
    if (value !== undefined) {
      throw new InvalidParameterError(name, value, "is not a walk parameter, use pageSize");
    }
  }
  // Infinity, the default, is no cap.
  if (maxItems !== Infinity) checkOption("maxItems", maxItems, 0, { type: "integer", minimum: 0 });
  checkOption("prefetch", prefetch, 0, { type: "integer", minimum: 0, maximum: 16 });
  return { filters: toWire(filters), pageSize, maxItems, prefetch };
}
