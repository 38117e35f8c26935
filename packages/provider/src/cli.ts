// The `workflows-provider` command line, parsed without side effects (main.ts runs it).
import { parseArgs } from "node:util";

/** `--port -1` as `--port=-1`: Node reads a dash-led value as a missing one, hiding the range message. */
const withDashValues = (argv: readonly string[]) => {
  const joins = (flag = "", value = "") => (flag === "--port" || flag === "--seed") && /^-\d/.test(value);
  return argv.flatMap((arg, i) =>
    joins(arg, argv[i + 1]) ? [`${arg}=${argv[i + 1]}`] : joins(argv[i - 1], arg) ? [] : [arg],
  );
};

/** Exit codes of `workflows-provider` (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, listen: 3 } as const;

/** The bearer key the bin accepts by default: the one the quick start and the READMEs use (not a secret). */
export const DEMO_API_KEY = "local-demo-key";
/** The key to accept, from the environment: out of the command lines that pnpm, turbo and ps print. */
export const KEY_VARIABLE = "WORKFLOWS_PROVIDER_API_KEY";

export const USAGE = `Usage: workflows-provider [--port N] [--host H] [--seed N] [--api-key K ... | --any-key]

Serves the reference provider of GET /api/v1/accounts/{accountId}/definitions/{definitionId}/workflows
with its seeded demo data set until Ctrl-C (SIGINT) or SIGTERM. Like the real API it refuses a
bearer key it does not know (401, code 1200): by default it accepts ${DEMO_API_KEY} only.

Options:
  --port N     port to listen on, 0 for a free one (default: $PORT, else 4011)
  --host H     address to listen on (default: 127.0.0.1)
  --seed N     seed of the demo data set, an integer from 0 to 4294967295 (default: 1)
  --api-key K  accept the bearer key K instead of ${DEMO_API_KEY}; repeat it for several
               (or set ${KEY_VARIABLE}=K: pnpm, turbo and ps show command lines)
  --any-key    accept any non-empty bearer key (as a mock does)
  -h, --help   print this help and exit

Exit codes: 0 stopped by a signal or --help, 1 unexpected failure, 2 bad usage,
3 cannot listen (port in use, address not available, permission denied).`;

export type ProviderCommand =
  | { kind: "help" }
  | { kind: "usage"; message: string }
  | {
      kind: "serve";
      port: number;
      host: string;
      seed: number;
      /** The bearer keys accepted; undefined: any non-empty key (`--any-key`). */
      apiKeys: string[] | undefined;
    };

const PORT = /^\d{1,5}$/;
const SEED = /^\d{1,10}$/;
/** What a client can send after `Bearer `: printable ASCII, no spaces. */
const KEY = /^[\x21-\x7e]+$/;

/** Reads the arguments (and `PORT`) into what to do; every mistake is a one-line message. */
export function parseProviderArgs(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): ProviderCommand {
  let values: {
    port?: string | undefined;
    host?: string | undefined;
    seed?: string | undefined;
    "api-key"?: string[] | undefined;
    "any-key"?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: withDashValues(argv),
      options: {
        port: { type: "string" },
        host: { type: "string" },
        seed: { type: "string" },
        "api-key": { type: "string", multiple: true },
        "any-key": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { kind: "usage", message: (error as Error).message.split("\n")[0] ?? "bad arguments" };
  }
  if (values.help) return { kind: "help" };
  const port = values.port ?? (env.PORT || "4011");
  if (!PORT.test(port) || Number(port) > 65_535) {
    return {
      kind: "usage",
      message: `--port must be an integer from 0 to 65535 (got ${JSON.stringify(port)})`,
    };
  }
  const seed = values.seed ?? "1";
  if (!SEED.test(seed) || Number(seed) > 0xffff_ffff) {
    return {
      kind: "usage",
      message: `--seed must be an integer from 0 to 4294967295 (got ${JSON.stringify(seed)})`,
    };
  }
  const host = values.host ?? "127.0.0.1";
  if (host === "") return { kind: "usage", message: "--host must not be empty" };
  const fromEnv = env[KEY_VARIABLE];
  const keys = values["api-key"] ?? (fromEnv ? [fromEnv] : undefined);
  if (values["api-key"] && values["any-key"]) {
    return { kind: "usage", message: "--any-key accepts every key: give it or --api-key, not both" };
  }
  // The key itself is never echoed: it may be a real one.
  if (keys?.some((key) => !KEY.test(key))) {
    const source = values["api-key"] ? "--api-key" : KEY_VARIABLE;
    return { kind: "usage", message: `${source} must be printable ASCII without spaces (a bearer token)` };
  }
  const apiKeys = values["any-key"] ? undefined : (keys ?? [DEMO_API_KEY]);
  return { kind: "serve", port: Number(port), host, seed: Number(seed), apiKeys };
}

/** The startup line saying which bearer keys are accepted; only the demo key is shown (it is no secret). */
export function keysLine(apiKeys: readonly string[] | undefined): string {
  if (apiKeys === undefined) return "any bearer key is accepted (--any-key)";
  if (apiKeys.length === 1 && apiKeys[0] === DEMO_API_KEY) {
    return `only the bearer key ${DEMO_API_KEY} is accepted (--api-key K for others, --any-key for any)`;
  }
  const count = new Set(apiKeys).size;
  const which = count === 1 ? "bearer key given is" : `${count} bearer keys given are`;
  return `only the ${which} accepted (not shown)`;
}

/** One line for an error of `listen`, and its exit code. */
export function listenFailure(
  error: unknown,
  host: string,
  port: number,
): { message: string; exitCode: number } {
  const code = (error as { code?: unknown } | undefined)?.code;
  const where = `${host}:${port}`;
  switch (code) {
    case "EADDRINUSE":
      return {
        message: `${where} is already in use (EADDRINUSE): stop the other server or pick another --port`,
        exitCode: EXIT.listen,
      };
    case "EACCES":
      return {
        message: `no permission to listen on ${where} (EACCES): pick a port above 1023`,
        exitCode: EXIT.listen,
      };
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return {
        message: `cannot listen on ${where} (${code}): --host is not an address of this machine`,
        exitCode: EXIT.listen,
      };
    default:
      return {
        message: `cannot start: ${error instanceof Error ? error.message : String(error)}`,
        exitCode: EXIT.failure,
      };
  }
}
