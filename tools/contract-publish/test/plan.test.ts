// The command lines contract:publish builds, and the options contract:verify adds: pure functions.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  brokerFromEnv,
  formatCommand,
  isLoopbackHost,
  loopbackEvidence,
  type ProbeReport,
  publishPactsCommand,
  publishProviderContractCommand,
  readProbeReport,
  redactUrl,
  verificationPublishing,
} from "../src/plan.js";

const TOKEN = "s3cr3t-token-value";
const version = { sha: "0123456789abcdef0123456789abcdef01234567", branch: "feature/x" };
const dir = mkdtempSync(path.join(tmpdir(), "contract-publish-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("brokerFromEnv", () => {
  it("needs a URL and credentials, a token or a user and password", () => {
    expect(brokerFromEnv({})).toBeUndefined();
    expect(brokerFromEnv({ PACT_BROKER_BASE_URL: "https://broker.example.com" })).toBeUndefined();
    expect(brokerFromEnv({ PACT_BROKER_TOKEN: TOKEN })).toBeUndefined();
    expect(
      brokerFromEnv({ PACT_BROKER_BASE_URL: "https://broker.example.com", PACT_BROKER_TOKEN: TOKEN }),
    ).toEqual({
      baseUrl: "https://broker.example.com",
      auth: { PACT_BROKER_TOKEN: TOKEN },
      pactflow: false,
    });
    expect(
      brokerFromEnv({
        PACT_BROKER_BASE_URL: "https://b.example",
        PACT_BROKER_USERNAME: "u",
        PACT_BROKER_PASSWORD: "p",
      })?.auth,
    ).toEqual({ PACT_BROKER_USERNAME: "u", PACT_BROKER_PASSWORD: "p" });
  });

  it("knows PactFlow by its host, and rejects a URL that is none", () => {
    expect(
      brokerFromEnv({ PACT_BROKER_BASE_URL: "https://acme.pactflow.io", PACT_BROKER_TOKEN: TOKEN })?.pactflow,
    ).toBe(true);
    expect(() => brokerFromEnv({ PACT_BROKER_BASE_URL: "not a url", PACT_BROKER_TOKEN: TOKEN })).toThrow(
      "PACT_BROKER_BASE_URL is not a URL",
    );
  });
});

describe("command lines", () => {
  const broker = {
    baseUrl: "https://user:pw@acme.pactflow.io",
    auth: { PACT_BROKER_TOKEN: TOKEN },
    pactflow: true,
  };

  it("publishes every pact with the git sha as consumer version and the branch", () => {
    const command = publishPactsCommand(
      ["packages/cli/pacts/a.json", "packages/monitor/pacts/b.json"],
      version,
      broker,
    );
    expect(command.argv).toEqual([
      "broker",
      "publish",
      "packages/cli/pacts/a.json",
      "packages/monitor/pacts/b.json",
      "--consumer-app-version",
      version.sha,
      "--branch",
      "feature/x",
      "--broker-base-url",
      "https://user:pw@acme.pactflow.io",
    ]);
    // The token travels in the child's environment, never on its command line.
    expect(command.argv.join(" ")).not.toContain(TOKEN);
    expect(command.env).toEqual({ PACT_BROKER_TOKEN: TOKEN });
    expect(formatCommand(command)).toBe(
      `PACT_BROKER_TOKEN=*** pact broker publish packages/cli/pacts/a.json packages/monitor/pacts/b.json --consumer-app-version ${version.sha} --branch feature/x --broker-base-url 'https://***@acme.pactflow.io'`,
    );
  });

  it("publishes the spec as PactFlow's provider contract with the probe's verdict and report", () => {
    const file = path.join(dir, "probe.json");
    writeFileSync(
      file,
      JSON.stringify({
        checks: [
          { id: "order", verdict: "confirmed" },
          { id: "offset-unit", verdict: "contradicted" },
        ],
        source: "server",
        server: "https://automation.8x8.com",
      }),
    );
    const report = readProbeReport(file);
    expect(report).toEqual({
      file,
      success: false,
      checks: 2,
      contradicted: ["offset-unit"],
      source: "server",
      server: "https://automation.8x8.com",
    });
    const command = publishProviderContractCommand({
      spec: "spec/workflows.openapi.yaml",
      provider: "workflows-api",
      version,
      report: { ...report, file: "probe.json" },
      broker,
    });
    expect(formatCommand(command)).toBe(
      "PACT_BROKER_TOKEN=*** pact pactflow publish-provider-contract spec/workflows.openapi.yaml --provider workflows-api " +
        `--provider-app-version ${version.sha} --branch feature/x --content-type application/yaml --no-verification-success ` +
        "--verification-results probe.json --verification-results-content-type application/json " +
        "--verification-results-format json --verifier workflows-probe --broker-base-url 'https://***@acme.pactflow.io'",
    );
    expect(command.what).toContain(
      "verified by a live probe of https://automation.8x8.com (contradicted: offset-unit)",
    );
  });

  it("redacts a password of basic auth, shows the user, quotes what a shell would split", () => {
    const command = publishPactsCommand(["my pacts/a.json"], version, {
      baseUrl: "https://b.example",
      auth: { PACT_BROKER_USERNAME: "ci", PACT_BROKER_PASSWORD: "hunter2" },
      pactflow: false,
    });
    const line = formatCommand(command);
    expect(line).toMatch(
      /^PACT_BROKER_USERNAME=ci PACT_BROKER_PASSWORD=\*\*\* pact broker publish 'my pacts\/a.json' /,
    );
    expect(line).not.toContain("hunter2");
    expect(redactUrl("http://127.0.0.1:9292")).toBe("http://127.0.0.1:9292");
  });

  it("rejects a probe report that is missing or not the probe's JSON", () => {
    expect(() => readProbeReport(path.join(dir, "absent.json"))).toThrow("no probe report at");
    writeFileSync(path.join(dir, "junit.xml"), "<testsuites/>");
    expect(() => readProbeReport(path.join(dir, "junit.xml"))).toThrow("is not JSON");
    writeFileSync(path.join(dir, "other.json"), "{}");
    expect(() => readProbeReport(path.join(dir, "other.json"))).toThrow('has no "checks"');
  });

  it.each([
    { name: "an older probe's report (neither source nor server)", report: {} },
    { name: "a live report without its server", report: { source: "server", server: null } },
    { name: "a server that is not a URL", report: { source: "server", server: "127.0.0.1" } },
    { name: "an unknown source", report: { source: "mock", server: "https://automation.8x8.com" } },
  ])("rejects $name: evidence must say which server it is about", ({ report }) => {
    const file = path.join(dir, "unsaid.json");
    writeFileSync(file, JSON.stringify({ checks: [], ...report }));
    expect(() => readProbeReport(file)).toThrow(`${file} does not say which server it probed`);
  });
});

describe("a probe of a loopback host is no evidence for the API", () => {
  it.each([
    ["http://127.0.0.1:4011", true],
    ["http://127.1.2.3", true],
    ["http://127.1", true], // the URL parser writes it 127.0.0.1
    ["http://localhost:4010", true],
    ["http://LOCALHOST.:4010", true],
    ["http://api.localhost", true],
    ["http://[::1]:4011", true],
    ["http://[0:0:0:0:0:0:0:1]", true],
    ["http://[::ffff:127.0.0.1]:4011", true],
    ["https://automation.8x8.com", false],
    ["http://128.0.0.1", false],
    ["http://10.0.0.1", false],
    ["http://[::2]", false],
    ["http://[::ffff:10.0.0.1]", false],
    ["https://localhost.example.com", false],
    ["https://127.0.0.1.nip.io", false],
  ])("%s: loopback %s", (url, loopback) => {
    expect(isLoopbackHost(new URL(url).hostname)).toBe(loopback);
  });

  const report = (source: "server" | "har", server: string | null): ProbeReport => ({
    file: "probe-report.json",
    success: true,
    checks: 17,
    contradicted: [],
    source,
    server,
  });

  it("refuses a live probe of a loopback host, naming the server and the ways out", () => {
    expect(loopbackEvidence(report("server", "http://127.0.0.1:4011"))).toBe(
      "probe-report.json is a live probe of http://127.0.0.1:4011, a loopback host (Prism or the local provider, " +
        "not the API): it is no evidence for the provider contract. Probe the API (`workflows probe --account A " +
        "--definition D --format json > probe-report.json` with WORKFLOWS_BASE_URL unset or the API's), publish " +
        "only the pacts with --no-provider-contract, or, for testing only, pass --allow-loopback-probe.",
    );
  });

  it("takes a live probe of the API, and a recording of any server (a proxy on loopback may have recorded the API)", () => {
    expect(loopbackEvidence(report("server", "https://automation.8x8.com"))).toBeUndefined();
    expect(loopbackEvidence(report("har", "http://127.0.0.1:4011"))).toBeUndefined();
    expect(loopbackEvidence(report("har", null))).toBeUndefined();
  });
});

describe("verificationPublishing (contract:verify)", () => {
  const git = () => version;

  it("says what it would publish without the broker variables, and adds nothing", () => {
    const plan = verificationPublishing({}, git);
    expect(plan.options).toBeUndefined();
    expect(plan.summary).toMatch(
      /not publishing verification results \(PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN are not set\); with them it would verify workflows-api's pacts from the broker/,
    );
  });

  it("verifies the broker's pacts and publishes results as the git sha on the branch", () => {
    const plan = verificationPublishing(
      { PACT_BROKER_BASE_URL: "https://b.example", PACT_BROKER_TOKEN: TOKEN },
      git,
    );
    expect(plan.options).toEqual({
      pactBrokerUrl: "https://b.example",
      pactBrokerToken: TOKEN,
      provider: "workflows-api",
      consumerVersionSelectors: [
        { mainBranch: true },
        { matchingBranch: true },
        { deployedOrReleased: true },
      ],
      enablePending: true,
      publishVerificationResult: true,
      providerVersion: version.sha,
      providerVersionBranch: "feature/x",
    });
    expect(plan.summary).not.toContain(TOKEN);
  });
});
