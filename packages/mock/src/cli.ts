// The `workflows-mock` command line, parsed without side effects (main.ts runs it).
import { parseArgs } from "node:util";

/** `--port -1` as `--port=-1`: Node reads a dash-led value as a missing one, hiding the range message. */
const withDashValues = (argv: readonly string[]) => {
  const joins = (flag = "", value = "") => (flag === "--port" || flag === "--seed") && /^-\d/.test(value);
  return argv.flatMap((arg, i) =>
    joins(arg, argv[i + 1]) ? [`${arg}=${argv[i + 1]}`] : joins(argv[i - 1], arg) ? [] : [arg],
  );
};

/** Exit codes of `workflows-mock` (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, listen: 3 } as const;

export const USAGE = `Usage: workflows-mock [--port N] [--host H] [--dynamic] [--seed S] [--spec FILE] [--quiet]

Serves Prism mocking GET /api/v1/accounts/{accountId}/definitions/{definitionId}/workflows from the
spec until Ctrl-C (SIGINT) or SIGTERM, logging each request. Any bearer key is accepted; pick a
response with the Prefer header (code=404, example=runningInstance, dynamic=true, seed=S).

Options:
  --port N     port to listen on, 0 for a free one (default: $PORT, else 4010)
  --host H     address to listen on (default: 127.0.0.1)
  --dynamic    generate bodies from the schemas instead of serving the spec's examples
  --seed S     seed of the generated bodies (same seed, same bodies)
  --spec FILE  the OpenAPI document (default: the one @workflows-kit/types ships)
  --quiet      do not log requests
  -h, --help   print this help and exit

Exit codes: 0 stopped by a signal or --help, 1 cannot start (e.g. the spec), 2 bad usage,
3 cannot listen (port in use, address not available, permission denied).`;

export interface MockCommandOptions {
  port: number;
  host: string;
  dynamic: boolean;
  seed: string | undefined;
  spec: string | undefined;
  quiet: boolean;
}
export type MockCommand =
  | { kind: "help" }
  | { kind: "usage"; message: string }
  | ({ kind: "serve" } & MockCommandOptions);

/** Reads the arguments (and `PORT`) into what to do; every mistake is a one-line message. */
export function parseMockArgs(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): MockCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return { kind: "usage", message: (error as Error).message.split("\n")[0] ?? "bad arguments" };
  }
  const {
    help,
    port = env.PORT || "4010",
    host = "127.0.0.1",
    dynamic = false,
    seed,
    spec,
    quiet = false,
  } = parsed;
  if (help) return { kind: "help" };
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) {
    return {
      kind: "usage",
      message: `--port must be an integer from 0 to 65535 (got ${JSON.stringify(port)})`,
    };
  }
  for (const [name, value] of [
    ["host", host],
    ["seed", seed],
    ["spec", spec],
  ] as const) {
    if (value === "") return { kind: "usage", message: `--${name} must not be empty` };
  }
  return { kind: "serve", port: Number(port), host, dynamic, seed, spec, quiet };
}

function parse(argv: string[]) {
  return parseArgs({
    args: withDashValues(argv),
    options: {
      port: { type: "string" },
      host: { type: "string" },
      dynamic: { type: "boolean" },
      seed: { type: "string" },
      spec: { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
}

/** Node's listen errors: the address cannot be had, which another port or host may fix. */
export const LISTEN_ERRORS: ReadonlySet<unknown> = new Set(["EADDRINUSE", "EACCES", "EADDRNOTAVAIL"]);
