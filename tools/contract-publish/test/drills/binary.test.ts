// The real `pact` binary (a child process) against a loopback stand-in for the broker: a drill, run
// by the \`drills\` task with a bound that holds on a loaded machine.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { type Exec, publish, spawnPact } from "../../src/publish.js";
import { repo, TOKEN } from "../support/repo.js";

describe("contract:publish with Pact's CLI", () => {
  it("drives the real pact binary: a loopback broker receives both contracts with the token; no output shows it", async () => {
    const { dir, sha } = repo();
    const requests: { url: string; auth: string | undefined; body: Record<string, unknown> | undefined }[] =
      [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        requests.push({
          url: req.url ?? "",
          auth: req.headers.authorization,
          body: body ? JSON.parse(body) : undefined,
        });
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        res.setHeader("content-type", "application/hal+json");
        res.end(
          JSON.stringify(
            req.url === "/"
              ? {
                  _links: {
                    "pb:publish-contracts": { href: `${base}/contracts/publish` },
                    "pf:publish-provider-contract": {
                      href: `${base}/provider-contracts/provider/{provider}/publish`,
                      templated: true,
                    },
                  },
                }
              : { notices: [], _embedded: {}, _links: {} },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const output: string[] = [];
    const exec: Exec = async (command, cwd) => {
      // Only PATH from here: nothing else of this machine's environment reaches the binary.
      const r = await spawnPact(command, cwd, {
        stdio: "pipe",
        env: { PATH: process.env.PATH, PACT_BROKER_HTTP_RETRIES: "0" },
      });
      output.push(r.stdout, r.stderr);
      return 0; // the stand-in's answers are minimal; what matters is what it received
    };
    try {
      const env = {
        PACT_BROKER_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        PACT_BROKER_TOKEN: TOKEN,
      };
      const outcome = await publish(["--provider-contract"], { env, root: dir, exec });
      output.push(outcome.out, outcome.err);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const posts = requests.filter((r) => r.body !== undefined);
    expect(posts.map((r) => r.url)).toEqual([
      "/contracts/publish",
      "/provider-contracts/provider/workflows-api/publish",
    ]);
    expect(requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
    expect(posts[0]?.body).toMatchObject({
      pacticipantName: "app",
      pacticipantVersionNumber: sha,
      branch: "main",
    });
    expect(posts[1]?.body).toMatchObject({ pacticipantVersionNumber: sha, branch: "main" });
    expect(JSON.stringify(posts[1]?.body)).toContain('"success":true');
    expect(output.join("\n")).not.toContain(TOKEN);
  });
});
