// contract:publish end to end in throwaway repositories: the dry run, what a real run executes (an
// injected exec) and refusals. The real `pact` binary runs in the drills (test/drills/).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Command } from "../src/plan.js";
import { type Exec, publish } from "../src/publish.js";
import { API_REPORT, git, repo, TOKEN } from "./support/repo.js";

const PACTFLOW = { PACT_BROKER_BASE_URL: "https://acme.pactflow.io", PACT_BROKER_TOKEN: TOKEN };

function recorder(code = 0) {
  const ran: Command[] = [];
  const exec: Exec = async (command) => {
    ran.push(command);
    return code;
  };
  return { ran, exec };
}

describe("contract:publish", () => {
  it("without broker variables prints the full command lines, redacted, and exits 0", async () => {
    const { dir, sha } = repo();
    const { ran, exec } = recorder();
    const outcome = await publish([], { env: {}, root: dir, exec });
    expect(outcome.exitCode).toBe(0);
    expect(ran).toEqual([]);
    expect(outcome.out).toContain("PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN are not set, nothing is sent");
    expect(outcome.out).toContain(
      `  PACT_BROKER_TOKEN=*** pact broker publish packages/app/pacts/app-workflows-api.json --consumer-app-version ${sha} --branch main --broker-base-url $PACT_BROKER_BASE_URL`,
    );
    expect(outcome.out).toContain(
      `  PACT_BROKER_TOKEN=*** pact pactflow publish-provider-contract spec/workflows.openapi.yaml --provider workflows-api --provider-app-version ${sha} --branch main --content-type application/yaml --verification-success --verification-results probe-report.json`,
    );
  });

  it("says so in the dry run when the probe report is missing", async () => {
    const { dir } = repo({ report: false });
    const outcome = await publish(["--probe-report", "reports/probe.json"], { env: {}, root: dir });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.out).toContain(
      "# not the provider contract (PactFlow): no probe report at reports/probe.json",
    );
    expect(outcome.out).not.toContain("publish-provider-contract");
  });

  it("with PactFlow's variables runs both commands, the token only in their environment", async () => {
    const { dir, sha } = repo();
    const { ran, exec } = recorder();
    const outcome = await publish([], {
      env: { ...PACTFLOW, CONFORMANCE_REPORT: "probe-report.json" },
      root: dir,
      exec,
    });
    expect(outcome).toMatchObject({ exitCode: 0, err: "" });
    expect(ran.map((c) => c.argv.slice(0, 2))).toEqual([
      ["broker", "publish"],
      ["pactflow", "publish-provider-contract"],
    ]);
    expect(ran.every((c) => c.env.PACT_BROKER_TOKEN === TOKEN && !c.argv.join(" ").includes(TOKEN))).toBe(
      true,
    );
    expect(ran[0]?.argv).toEqual(expect.arrayContaining(["--consumer-app-version", sha, "--branch", "main"]));
    expect(outcome.out + outcome.err).not.toContain(TOKEN);
  });

  it("publishes only the pacts to a Pact Broker that is not PactFlow, unless told", async () => {
    const { dir } = repo();
    const env = { PACT_BROKER_BASE_URL: "https://broker.example.com", PACT_BROKER_TOKEN: TOKEN };
    const plain = recorder();
    await publish([], { env, root: dir, exec: plain.exec });
    expect(plain.ran.map((c) => c.argv[0])).toEqual(["broker"]);
    const forced = recorder();
    await publish(["--provider-contract"], { env, root: dir, exec: forced.exec });
    expect(forced.ran.map((c) => c.argv[0])).toEqual(["broker", "pactflow"]);
  });

  it("refuses, publishing nothing, without the probe report, with uncommitted changes, or on a failure", async () => {
    const { dir } = repo({ report: false });
    const missing = recorder();
    const outcome = await publish([], { env: PACTFLOW, root: dir, exec: missing.exec });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.err).toContain("nothing published: no probe report at probe-report.json");
    expect(missing.ran).toEqual([]);
    expect(
      (await publish(["--no-provider-contract"], { env: PACTFLOW, root: dir, exec: missing.exec })).exitCode,
    ).toBe(0);

    writeFileSync(path.join(dir, "packages/app/pacts/app-workflows-api.json"), "{}");
    const dirty = recorder();
    const refused = await publish(["--no-provider-contract"], { env: PACTFLOW, root: dir, exec: dirty.exec });
    expect(refused.err).toContain("uncommitted changes");
    expect(dirty.ran).toEqual([]);
    git(dir, "checkout", "--", ".");
    const failing = recorder(1);
    const failed = await publish(["--no-provider-contract"], {
      env: PACTFLOW,
      root: dir,
      exec: failing.exec,
    });
    expect(failed).toMatchObject({
      exitCode: 1,
      err: "contract:publish: `pact broker publish` failed (exit 1)\n",
    });
  });

  it("refuses a live probe of a loopback host as the provider contract's evidence, and shows the server it probed", async () => {
    const { dir } = repo({ report: { ...API_REPORT, server: "http://127.0.0.1:4011" } });
    const refused = recorder();
    const outcome = await publish([], { env: PACTFLOW, root: dir, exec: refused.exec });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.err).toContain(
      "contract:publish: nothing published: probe-report.json is a live probe of http://127.0.0.1:4011, a loopback host",
    );
    expect(outcome.err).toContain("--no-provider-contract");
    expect(refused.ran).toEqual([]);

    // The dry run says so too, and shows no provider contract.
    const dry = await publish([], { env: {}, root: dir });
    expect(dry.exitCode).toBe(0);
    expect(dry.out).toContain(
      "# not the provider contract (PactFlow): probe-report.json is a live probe of http://127.0.0.1:4011, a loopback host",
    );
    expect(dry.out).not.toContain("publish-provider-contract");

    // The pacts alone go out; for testing, --allow-loopback-probe publishes it anyway, saying so.
    const pactsOnly = recorder();
    await publish(["--no-provider-contract"], { env: PACTFLOW, root: dir, exec: pactsOnly.exec });
    expect(pactsOnly.ran.map((c) => c.argv[0])).toEqual(["broker"]);
    const allowed = recorder();
    const forced = await publish(["--allow-loopback-probe"], {
      env: PACTFLOW,
      root: dir,
      exec: allowed.exec,
    });
    expect(forced.exitCode).toBe(0);
    expect(allowed.ran.map((c) => c.argv[0])).toEqual(["broker", "pactflow"]);
    expect(forced.out).toContain("--allow-loopback-probe: for testing only");
    expect(forced.out).toContain("verified by a live probe of http://127.0.0.1:4011 (success)");
  });

  it("shows which server a report it publishes probed; refuses a report that does not say", async () => {
    const { dir } = repo();
    const dry = await publish([], { env: {}, root: dir });
    expect(dry.out).toContain("verified by a live probe of https://automation.8x8.com (success)");
    const { dir: old } = repo({ report: { checks: [{ id: "order", verdict: "confirmed" }] } });
    const refused = recorder();
    const outcome = await publish([], { env: PACTFLOW, root: old, exec: refused.exec });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.err).toContain("nothing published: probe-report.json does not say which server it probed");
    expect(refused.ran).toEqual([]);
  });
});
