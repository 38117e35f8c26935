import { parseArgs } from "node:util";
import type { IterateWorkflowInstancesInput } from "@workflows-kit/client";
import { type RawInputs, UsageError } from "./errors.js";

export const LIST_FORMATS = ["table", "json", "ndjson", "csv"] as const;
export const SUMMARY_FORMATS = ["table", "json"] as const;
export const PROBE_FORMATS = ["table", "json"] as const;
/** What `offset` counts on the server (`auto`: the client finds out during the walk). */
export const OFFSET_UNITS = ["pages", "items", "auto"] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];
export type ProbeFormat = (typeof PROBE_FORMATS)[number];
export type OffsetUnitSetting = (typeof OFFSET_UNITS)[number];

/** The filters of a call: everything but paging. */
export type Filters = Omit<IterateWorkflowInstancesInput, "pageSize" | "maxItems">;

interface Parsed {
  filters: Filters;
  /** `--limit`: one page's size, or the walk's page size. */
  limit: number | undefined;
  /** `--max`: the walk's maxItems. */
  max: number | undefined;
  /** `--offset-unit`; wins over WORKFLOWS_OFFSET_UNIT. */
  offsetUnit: OffsetUnitSetting | undefined;
  /** What was typed, by flag (`--limit` → "abc"), to quote back in messages. */
  raw: RawInputs;
}
export interface ListCommand extends Parsed {
  name: "list";
  format: ListFormat;
  all: boolean;
  offset: number | undefined;
}
export interface SummaryCommand extends Parsed {
  name: "summary";
  format: SummaryFormat;
}
/** `workflows probe`: the spec's statements against a server (or, with `--har`, a recording). */
export interface ProbeCommand {
  name: "probe";
  accountId?: string;
  definitionId?: string;
  /** `--base-url`; wins over WORKFLOWS_BASE_URL. */
  baseUrl?: string;
  format: ProbeFormat;
  maxRequests?: number;
  /** Also write JUnit XML here. */
  junit?: string;
  /** Check this recording instead of sending requests. */
  har?: string;
  /** Also write the probe's own traffic here, as HAR (the key redacted). */
  saveHar?: string;
  raw: RawInputs;
}
export type Command = { name: "help" } | { name: "version" } | ListCommand | SummaryCommand | ProbeCommand;

const COMMON = {
  account: { type: "string" },
  definition: { type: "string" },
  status: { type: "string" },
  version: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  limit: { type: "string" },
  max: { type: "string" },
  format: { type: "string" },
  "offset-unit": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;
const LIST = { ...COMMON, offset: { type: "string" }, all: { type: "boolean" } } as const;
const PROBE = {
  account: { type: "string" },
  definition: { type: "string" },
  "base-url": { type: "string" },
  format: { type: "string" },
  "max-requests": { type: "string" },
  junit: { type: "string" },
  har: { type: "string" },
  "save-har": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * A decimal integer flag as a number. Anything else becomes NaN, which the client rejects with
 * the spec's range ("must be an integer from 1 to 500"); the message quotes what was typed.
 */
export function integer(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  return /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
}

/** `value` if it is one of `allowed`; a usage error naming `source` (a flag or a variable) otherwise. */
function oneOf<T extends string>(source: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    `${source} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`,
    source,
  );
}

/** `value` checked against `allowed`, or undefined when absent. */
export const optionalOneOf = <T extends string>(
  source: string,
  value: string | undefined,
  allowed: readonly T[],
) => (value === undefined ? undefined : oneOf(source, value, allowed));

/** A `--format` value, the first allowed one when absent. */
const format = <T extends string>(value: string | undefined, allowed: readonly T[]): T =>
  value === undefined ? (allowed[0] as T) : oneOf("--format", value, allowed);

/** `T` with every key that may be undefined made optional instead. */
export type Present<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops undefined entries: with exactOptionalPropertyTypes an absent option must be absent, not undefined. */
export function present<T extends object>(value: T): Present<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Present<T>;
}

type Options = typeof COMMON | typeof LIST | typeof PROBE;

/**
 * `--limit -1` as `--limit=-1`: Node reads a value that starts with a dash as a missing one
 * ("argument is ambiguous"), so a negative number would never reach the range check.
 */
function joinNegativeNumbers(options: Options, args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const option = (options as Record<string, { type: string }>)[arg.slice(2)];
    if (arg.startsWith("--") && option?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  tokens: readonly { kind: string; name?: string; value?: string | undefined }[];
}

function parse(options: Options, args: string[]): ParsedArgs["values"] {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: joinNegativeNumbers(options, args),
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    }) as ParsedArgs;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (!code?.startsWith("ERR_PARSE_ARGS")) throw error;
    // Node's advice on positional arguments is noise here: no command takes any.
    throw new UsageError(
      code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? (message.split(". ")[0] ?? message) : message,
    );
  }
  // parseArgs keeps the last of a repeated flag: a second --account is a mistake, not an override.
  const seen = new Map<string, string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || token.name === undefined || token.value === undefined) continue;
    const first = seen.get(token.name);
    if (first !== undefined) {
      const values = `${JSON.stringify(first)} and ${JSON.stringify(token.value)}`;
      throw new UsageError(`--${token.name} was given twice (${values}): give it once`, `--${token.name}`);
    }
    seen.set(token.name, token.value);
  }
  return parsed.values;
}

/**
 * Flags to a command. Values are handed to the client as typed (dates unchanged, so their 7
 * digits survive): the client checks them against the spec once, and errors name the flag.
 */
export function parseCommand(argv: readonly string[]): Command {
  const [name, ...args] = argv;
  if (name === undefined) throw new UsageError("missing command: list, summary or probe");
  if (name === "help" || name === "--help" || name === "-h") return { name: "help" };
  // Only in the command's place: after a command, --version N is the definition's version.
  if (name === "--version" || name === "-V") return { name: "version" };
  if (name === "probe") return parseProbe(args);
  if (name !== "list" && name !== "summary") {
    throw new UsageError(`unknown command ${JSON.stringify(name)}: expected list, summary or probe`);
  }
  const values: Record<string, string | boolean | undefined> = parse(name === "list" ? LIST : COMMON, args);
  if (values.help) return { name: "help" };
  const text = (key: string) => values[key] as string | undefined;
  const parsed: Parsed = {
    // The client requires accountId/definitionId and checks every value; a missing one is its error.
    filters: present({
      accountId: text("account"),
      definitionId: text("definition"),
      status: text("status"),
      version: integer(text("version")),
      startTimeFrom: text("from"),
      startTimeTo: text("to"),
    }) as Filters,
    limit: integer(text("limit")),
    max: integer(text("max")),
    offsetUnit: optionalOneOf("--offset-unit", text("offset-unit"), OFFSET_UNITS),
    raw: Object.fromEntries(Object.entries(values).map(([key, value]) => [`--${key}`, value])),
  };
  if (name === "summary") {
    return { name, ...parsed, format: format(text("format"), SUMMARY_FORMATS) };
  }
  const all = values.all === true;
  if (all && values.offset !== undefined) {
    throw new UsageError("--offset cannot be combined with --all: the walk does its own paging", "--offset");
  }
  if (!all && values.max !== undefined) throw new UsageError("--max needs --all", "--max");
  // One page sends --offset as typed: no walk, so nothing reads the unit (WORKFLOWS_OFFSET_UNIT is a general setting).
  if (!all && values["offset-unit"] !== undefined) {
    throw new UsageError("--offset-unit needs --all (one page sends --offset as typed)", "--offset-unit");
  }
  return {
    name,
    ...parsed,
    format: format(text("format"), LIST_FORMATS),
    all,
    offset: integer(text("offset")),
  };
}

function parseProbe(args: string[]): Command {
  const values: Record<string, string | boolean | undefined> = parse(PROBE, args);
  if (values.help) return { name: "help" };
  const text = (key: string) => values[key] as string | undefined;
  const maxRequests = integer(text("max-requests"));
  if (maxRequests !== undefined && !(Number.isSafeInteger(maxRequests) && maxRequests >= 1)) {
    const got = JSON.stringify(text("max-requests"));
    throw new UsageError(`--max-requests must be an integer >= 1 (got ${got})`, "--max-requests");
  }
  for (const flag of ["junit", "har", "save-har"]) {
    if (text(flag) === "") throw new UsageError(`--${flag} needs a file name`, `--${flag}`);
  }
  if (values.har !== undefined && values["save-har"] !== undefined) {
    throw new UsageError("--save-har records the probe's requests; with --har none are sent", "--save-har");
  }
  return {
    name: "probe",
    ...present({
      accountId: text("account"),
      definitionId: text("definition"),
      baseUrl: text("base-url"),
      maxRequests,
      junit: text("junit"),
      har: text("har"),
      saveHar: text("save-har"),
    }),
    format: format(text("format"), PROBE_FORMATS),
    raw: Object.fromEntries(Object.entries(values).map(([key, value]) => [`--${key}`, value])),
  };
}
