// `contract:publish`: the consumers' pacts to the Pact Broker / PactFlow named by the environment,
// and for PactFlow the spec as the provider contract with the probe's report as its evidence.
// Without broker variables (or with --dry-run) it prints the exact command lines and sends nothing.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { findPactFiles } from "@workflows-kit/spec";
import { gitVersion, isDirty } from "./git.js";
import {
  brokerFromEnv,
  type Command,
  type Env,
  formatCommand,
  loopbackEvidence,
  type ProbeReport,
  publishPactsCommand,
  publishProviderContractCommand,
  readProbeReport,
} from "./plan.js";

export const DEFAULT_PROBE_REPORT = "probe-report.json";
export const SPEC_FILE = "spec/workflows.openapi.yaml";

export interface Outcome {
  exitCode: number;
  out: string;
  err: string;
}

/** Runs `pact <argv>` with the command's secret environment; resolves its exit code. */
export type Exec = (command: Command, cwd: string) => Promise<number>;

/** `pact` from @pact-foundation/pact-cli (a node launcher of the platform's Rust binary). */
export function spawnPact(
  command: Command,
  cwd: string,
  options: { stdio: "inherit" | "pipe"; env?: Env },
): Promise<{ status: number; stdout: string; stderr: string }> {
  const require = createRequire(import.meta.url);
  const pactCli = path.dirname(require.resolve("@pact-foundation/pact-cli/package.json"));
  const child = spawn(process.execPath, [path.join(pactCli, "bin/pact.js"), ...command.argv], {
    cwd,
    stdio: ["ignore", options.stdio, options.stdio],
    // Pact's tools report usage to pact.io unless told not to.
    env: { ...(options.env ?? process.env), ...command.env, PACT_DO_NOT_TRACK: "true" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

export const execPact: Exec = async (command, cwd) =>
  (await spawnPact(command, cwd, { stdio: "inherit" })).status;

const USAGE = `usage: contract-publish [--dry-run] [--probe-report FILE] [--[no-]provider-contract]
                        [--provider NAME] [--branch NAME] [--allow-dirty] [--allow-loopback-probe]
  Publishes every pact under packages/*/pacts/ (consumer version = git sha, plus the branch) to
  PACT_BROKER_BASE_URL with PACT_BROKER_TOKEN (or PACT_BROKER_USERNAME + PACT_BROKER_PASSWORD), and
  for PactFlow also ${SPEC_FILE} as the provider contract, with the probe report
  (--probe-report, else CONFORMANCE_REPORT, else ${DEFAULT_PROBE_REPORT}) as its verification.
  A live probe of a loopback host (Prism, the local provider) is refused as that evidence;
  --allow-loopback-probe publishes it anyway, for testing only.
  Without those variables, or with --dry-run, prints the command lines and sends nothing.`;

export async function publish(
  argv: string[],
  options: { env: Env; root: string; exec?: Exec },
): Promise<Outcome> {
  const { env, root, exec = execPact } = options;
  const out: string[] = [];
  const fail = (exitCode: number, message: string): Outcome => ({
    exitCode,
    out: out.join("\n") + (out.length ? "\n" : ""),
    err: `${message}\n`,
  });
  let values: ReturnType<typeof parse>["values"];
  try {
    ({ values } = parse(argv.filter((a) => a !== "--")));
  } catch (error) {
    return fail(2, `contract:publish: ${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) return { exitCode: 0, out: `${USAGE}\n`, err: "" };

  const pacts = (await findPactFiles(root)).map((file) => path.relative(root, file));
  if (pacts.length === 0)
    return fail(1, "contract:publish: no pact files under packages/*/pacts/ (run contract:consumer first)");
  let broker: ReturnType<typeof brokerFromEnv>;
  let version: ReturnType<typeof gitVersion>;
  try {
    broker = brokerFromEnv(env);
    version = gitVersion(
      root,
      values.branch ? { ...env, BRANCH_NAME: values.branch, GITHUB_HEAD_REF: values.branch } : env,
    );
  } catch (error) {
    return fail(1, `contract:publish: ${(error as Error).message}`);
  }
  const dryRun = values["dry-run"] === true || broker === undefined;
  const commands: Command[] = [publishPactsCommand(pacts, version, broker)];

  // The provider contract is PactFlow's (bi-directional); a dry run shows it as well.
  const providerContract = values["provider-contract"] ?? (broker ? broker.pactflow : true);
  const reportFile = path.resolve(
    root,
    values["probe-report"] ?? env.CONFORMANCE_REPORT ?? DEFAULT_PROBE_REPORT,
  );
  let missing: string | undefined;
  /** Said when --allow-loopback-probe let a loopback probe through. */
  let allowed: string | undefined;
  if (providerContract) {
    let report: ProbeReport | undefined;
    try {
      report = readProbeReport(reportFile);
    } catch (error) {
      missing =
        `${(error as Error).message.replace(reportFile, path.relative(root, reportFile))}: the provider contract needs the probe's report as its evidence. ` +
        `Run \`workflows probe --account A --definition D --format json > ${path.relative(root, reportFile)}\` ` +
        "against the API (or pass --probe-report FILE / CONFORMANCE_REPORT), or publish only the pacts with --no-provider-contract.";
    }
    const loopback = report && loopbackEvidence(report, path.relative(root, report.file));
    if (loopback && values["allow-loopback-probe"] !== true) {
      missing = loopback;
      report = undefined;
    } else if (loopback) {
      allowed = `${path.relative(root, reportFile)} is a live probe of a loopback host, published as the evidence anyway (--allow-loopback-probe: for testing only)`;
    }
    if (report)
      commands.push(
        publishProviderContractCommand({
          spec: SPEC_FILE,
          provider: values.provider ?? "workflows-api",
          version,
          report: { ...report, file: path.relative(root, report.file) },
          broker,
        }),
      );
  }

  if (dryRun) {
    out.push(
      broker
        ? "contract:publish: dry run (--dry-run): nothing is sent. It would run:"
        : "contract:publish: dry run: PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN are not set, nothing is sent. With them it would run:",
    );
    for (const c of commands) out.push(`  # ${c.what}`, `  ${formatCommand(c)}`);
    if (missing) out.push(`  # not the provider contract (PactFlow): ${missing}`);
    if (allowed) out.push(`  # ${allowed}`);
    if (isDirty(root))
      out.push("  # the working tree has uncommitted changes: a real run refuses (--allow-dirty)");
    return { exitCode: 0, out: `${out.join("\n")}\n`, err: "" };
  }
  if (missing) return fail(1, `contract:publish: nothing published: ${missing}`);
  if (isDirty(root) && values["allow-dirty"] !== true)
    return fail(
      1,
      `contract:publish: nothing published: uncommitted changes, and the pacts are published as ${version.sha} (commit first, or --allow-dirty)`,
    );
  if (allowed) out.push(`contract:publish: ${allowed}`);
  for (const c of commands) {
    console.log(`contract:publish: ${c.what}\n  ${formatCommand(c)}`);
    const code = await exec(c, root);
    if (code !== 0)
      return fail(1, `contract:publish: \`pact ${c.argv.slice(0, 2).join(" ")}\` failed (exit ${code})`);
    out.push(`contract:publish: published ${c.what}`);
  }
  return { exitCode: 0, out: `${out.join("\n")}\n`, err: "" };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowNegative: true,
    options: {
      "dry-run": { type: "boolean" },
      "probe-report": { type: "string" },
      "provider-contract": { type: "boolean" },
      provider: { type: "string" },
      branch: { type: "string" },
      "allow-dirty": { type: "boolean" },
      "allow-loopback-probe": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
