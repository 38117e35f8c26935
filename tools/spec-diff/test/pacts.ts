// Two small consumers' pacts (Pact V4), written into a repository's packages/*/pacts/ like
// contract:consumer writes them: what spec-diff checks a breaking change against.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const PATH = "/api/v1/accounts/acme/definitions/5870442f-3ddd-4657-b74c-6e17308f5230/workflows";
const auth = { Authorization: ["Bearer contract-test-key"] };
const json = { "Content-Type": ["application/json"] };
const body = (content: unknown) => ({ content, contentType: "application/json", encoded: false });
const instance = (status: string) => ({
  workflowId: "60dbe307fe55d99fc083db61",
  data: { accountId: "acme", triggeredAt: "2021-06-30T03:20:39.3857479Z" },
  definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230",
  version: 1,
  status,
  startedAt: "2021-06-30T03:20:39.49Z",
  completedAt: "2021-06-30T03:21:25.83Z",
});
const error = (code: number) => ({
  code,
  message: "m",
  errorId: "2558ff83-c8db-4890-805e-ad64001857a1",
  timestamp: "2021-07-13T01:28:37.66Z",
});
const interaction = (description: string, request: object, response: object) => ({
  type: "Synchronous/HTTP",
  description,
  request: { method: "GET", path: PATH, headers: auth, ...request },
  response,
});

const pact = (consumer: string, interactions: object[]) => ({
  consumer: { name: consumer },
  provider: { name: "workflows-api" },
  interactions,
  metadata: { pactSpecification: { version: "4.0" } },
});

/** Interactions are numbered as listed (#1, #2, …). */
export const CLI_PACT = pact("workflows-cli", [
  interaction(
    "a page",
    { query: { limit: ["2"], offset: ["0"] } },
    { status: 200, headers: json, body: body([instance("Complete")]) },
  ),
  interaction(
    "a page filtered by status",
    { query: { status: ["Terminated"] } },
    { status: 200, headers: json, body: body([instance("Terminated")]) },
  ),
  interaction("an unknown definition", {}, { status: 404, headers: json, body: body(error(1300)) }),
]);

export const MONITOR_PACT = pact("workflows-monitor", [
  interaction(
    "a rate-limited poll",
    { query: { status: ["Terminated"] } },
    { status: 429, headers: { ...json, "Retry-After": ["2"] }, body: body(error(1100)) },
  ),
  interaction(
    "terminated instances since a time",
    { query: { status: ["Terminated"], startTimeFrom: ["2021-06-30T00:00:00Z"] } },
    { status: 200, headers: json, body: body([instance("Terminated")]) },
  ),
]);

/** Writes the pacts (both, or the CLI's) under `root`/packages/{cli,monitor}/pacts/; resolves their paths. */
export function writePacts(root: string, which: "both" | "cli" = "both"): string[] {
  const all = [
    ["cli", "workflows-cli-workflows-api.json", CLI_PACT],
    ["monitor", "workflows-monitor-workflows-api.json", MONITOR_PACT],
  ] as const;
  return all.slice(0, which === "both" ? 2 : 1).map(([pkg, name, pact]) => {
    const dir = path.join(root, "packages", String(pkg), "pacts");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, String(name));
    writeFileSync(file, `${JSON.stringify(pact, null, 2)}\n`);
    return file;
  });
}
