// What `contract:publish` and `contract:verify` publish, as command lines of Pact's own CLI (the
// Rust `pact` binary from @pact-foundation/pact-cli) and Verifier options: pure functions of the
// pacts, the git version and the environment, so the tests check exactly what would run.
import { readFileSync } from "node:fs";

/** The broker or PactFlow named by the environment; absent without a URL and credentials. */
export interface Broker {
  baseUrl: string;
  /** what the child process gets: the credentials travel in its environment, never in argv */
  auth: { PACT_BROKER_TOKEN: string } | { PACT_BROKER_USERNAME: string; PACT_BROKER_PASSWORD: string };
  /** PactFlow (`*.pactflow.io`) takes provider contracts (bi-directional contract testing) */
  pactflow: boolean;
}

export type Env = Record<string, string | undefined>;

export function brokerFromEnv(env: Env): Broker | undefined {
  const baseUrl = env.PACT_BROKER_BASE_URL?.trim();
  const token = env.PACT_BROKER_TOKEN?.trim();
  const username = env.PACT_BROKER_USERNAME?.trim();
  const password = env.PACT_BROKER_PASSWORD;
  if (!baseUrl) return undefined;
  const auth = token
    ? { PACT_BROKER_TOKEN: token }
    : username && password
      ? { PACT_BROKER_USERNAME: username, PACT_BROKER_PASSWORD: password }
      : undefined;
  if (!auth) return undefined;
  let host = "";
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    throw new Error(`PACT_BROKER_BASE_URL is not a URL: ${redactUrl(baseUrl)}`);
  }
  return { baseUrl, auth, pactflow: host === "pactflow.io" || host.endsWith(".pactflow.io") };
}

/** A URL as it may be printed: user and password (`https://u:p@host`) replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1***@");
}

export interface Version {
  /** the git commit the pacts (or the provider) were built from */
  sha: string;
  branch: string;
}

/** One run of `pact …`: its arguments and the secret environment it gets. */
export interface Command {
  what: string;
  argv: string[];
  env: Record<string, string>;
}

const PLACEHOLDER_URL = "$PACT_BROKER_BASE_URL";

/** `pact broker publish <pacts…> --consumer-app-version <sha> --branch <branch>`. */
export function publishPactsCommand(pacts: readonly string[], version: Version, broker?: Broker): Command {
  return {
    what: `the pacts of ${pacts.length} consumer file(s), consumer version ${version.sha} on branch ${version.branch}`,
    argv: [
      "broker",
      "publish",
      ...pacts,
      "--consumer-app-version",
      version.sha,
      "--branch",
      version.branch,
      "--broker-base-url",
      broker?.baseUrl ?? PLACEHOLDER_URL,
    ],
    env: broker ? { ...broker.auth } : { PACT_BROKER_TOKEN: "(PACT_BROKER_TOKEN)" },
  };
}

/** The probe's verdicts (`workflows probe --format json`): the evidence PactFlow shows for the spec. */
export interface ProbeReport {
  file: string;
  success: boolean;
  checks: number;
  contradicted: string[];
  /** `server`: a live probe (requests it sent); `har`: a check of recorded traffic. */
  source: "server" | "har";
  /** The origin the answers came from; null for a recording of none or of several servers. */
  server: string | null;
}

const PROBE_JSON = "expected the output of `workflows probe --format json`";

export function readProbeReport(file: string): ProbeReport {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`no probe report at ${file}`);
  }
  let report: { checks?: { id?: string; verdict?: string }[]; source?: unknown; server?: unknown };
  try {
    report = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON: ${PROBE_JSON}`);
  }
  if (!Array.isArray(report.checks)) throw new Error(`${file} has no "checks": ${PROBE_JSON}`);
  const { source, server } = report;
  // Evidence must say what it is evidence about: a report without it (an older probe's) cannot be told from Prism's.
  if (
    (source !== "server" && source !== "har") ||
    (server !== null && !(typeof server === "string" && URL.canParse(server))) ||
    (source === "server" && server === null)
  ) {
    throw new Error(
      `${file} does not say which server it probed ("source" and "server"): ${PROBE_JSON} of this release`,
    );
  }
  const contradicted = report.checks.filter((c) => c.verdict === "contradicted").map((c) => String(c.id));
  return {
    file,
    success: contradicted.length === 0,
    checks: report.checks.length,
    contradicted,
    source,
    server: server === null ? null : redactUrl(server),
  };
}

/** What a report is evidence of, for people: "a live probe of https://automation.8x8.com". */
export function probedServer(report: Pick<ProbeReport, "source" | "server">): string {
  const what = report.source === "server" ? "a live probe" : "a HAR recording";
  return `${what} of ${report.server ?? "no single server"}`;
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped), localhost and *.localhost: this machine, never the API. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === "::1" ||
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host)
  );
}

/**
 * Why `report` cannot be the provider contract's evidence, or undefined when it can: a live probe of
 * a loopback host probed Prism or the local provider, not the API whose contract is published.
 */
export function loopbackEvidence(report: ProbeReport, shownAs = report.file): string | undefined {
  if (report.source !== "server" || report.server === null) return undefined;
  if (!isLoopbackHost(new URL(report.server).hostname)) return undefined;
  return (
    `${shownAs} is ${probedServer(report)}, a loopback host (Prism or the local provider, not the API): ` +
    "it is no evidence for the provider contract. Probe the API " +
    `(\`workflows probe --account A --definition D --format json > ${shownAs}\` with WORKFLOWS_BASE_URL ` +
    "unset or the API's), publish only the pacts with --no-provider-contract, or, for testing only, " +
    "pass --allow-loopback-probe."
  );
}

/** `pactflow publish-provider-contract <spec>` with the probe report as its self-verification. */
export function publishProviderContractCommand(options: {
  spec: string;
  provider: string;
  version: Version;
  report: ProbeReport;
  broker?: Broker | undefined;
}): Command {
  const { spec, provider, version, report, broker } = options;
  return {
    what: `${spec} as the provider contract of ${provider}, version ${version.sha} on branch ${version.branch}, verified by ${probedServer(report)} (${report.success ? "success" : `contradicted: ${report.contradicted.join(", ")}`})`,
    argv: [
      "pactflow",
      "publish-provider-contract",
      spec,
      "--provider",
      provider,
      "--provider-app-version",
      version.sha,
      "--branch",
      version.branch,
      "--content-type",
      "application/yaml",
      report.success ? "--verification-success" : "--no-verification-success",
      "--verification-results",
      report.file,
      "--verification-results-content-type",
      "application/json",
      "--verification-results-format",
      "json",
      "--verifier",
      "workflows-probe",
      "--broker-base-url",
      broker?.baseUrl ?? PLACEHOLDER_URL,
    ],
    env: broker ? { ...broker.auth } : { PACT_BROKER_TOKEN: "(PACT_BROKER_TOKEN)" },
  };
}

const quote = (arg: string) => (/^[\w@%+=:,./$-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);

/** The command line as a shell would take it, secrets redacted: `PACT_BROKER_TOKEN=*** pact broker …`. */
export function formatCommand(command: Command): string {
  const env = Object.keys(command.env).map((name) =>
    name === "PACT_BROKER_USERNAME" ? `${name}=${quote(command.env[name] ?? "")}` : `${name}=***`,
  );
  const argv = command.argv.map((arg, i) =>
    command.argv[i - 1] === "--broker-base-url" ? quote(redactUrl(arg)) : quote(arg),
  );
  return [...env, "pact", ...argv].join(" ");
}

/** Selectors for the pacts a provider build verifies: main, the matching branch, what is deployed. */
export const CONSUMER_VERSION_SELECTORS = [
  { mainBranch: true },
  { matchingBranch: true },
  { deployedOrReleased: true },
];

/** What contract:verify adds to its Verifier options to publish its results, or why it does not. */
export function verificationPublishing(
  env: Env,
  version: () => Version,
  provider = "workflows-api",
): { options?: Record<string, unknown>; summary: string } {
  const broker = brokerFromEnv(env);
  let current: Version | undefined;
  try {
    current = version();
  } catch {
    current = undefined; // no git here: the version is only needed to publish
  }
  const as = current
    ? `provider version ${current.sha} on ${current.branch}`
    : "provider version <git sha> on <branch>";
  const would = `verify ${provider}'s pacts from the broker (selectors: main branch, matching branch, deployed or released) and publish the results as ${as}`;
  if (!broker)
    return {
      summary: `contract:verify: not publishing verification results (PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN are not set); with them it would ${would}.`,
    };
  const { sha, branch } = current ?? version();
  const credentials =
    "PACT_BROKER_TOKEN" in broker.auth
      ? { pactBrokerToken: broker.auth.PACT_BROKER_TOKEN }
      : {
          pactBrokerUsername: broker.auth.PACT_BROKER_USERNAME,
          pactBrokerPassword: broker.auth.PACT_BROKER_PASSWORD,
        };
  return {
    options: {
      pactBrokerUrl: broker.baseUrl,
      ...credentials,
      provider,
      consumerVersionSelectors: CONSUMER_VERSION_SELECTORS,
      enablePending: true,
      publishVerificationResult: true,
      providerVersion: sha,
      providerVersionBranch: branch,
    },
    summary: `contract:verify: verifying ${provider}'s pacts from ${redactUrl(broker.baseUrl)} and publishing the results as provider version ${sha} on ${branch}.`,
  };
}
