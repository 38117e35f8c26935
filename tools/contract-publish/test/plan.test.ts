// The command lines contract:publish builds, and the options contract:verify adds: pure functions.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  brokerFromEnv,
  formatCommand,
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
      }),
    );
    const report = readProbeReport(file);
    expect(report).toEqual({ file, success: false, checks: 2, contradicted: ["offset-unit"] });
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
    expect(command.what).toContain("contradicted: offset-unit");
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
