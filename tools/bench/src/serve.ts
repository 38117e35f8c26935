// The servers of the benchmarks, each run in a child process (`node dist/serve.js <kind> …`) so it
// has a core of its own and the measuring process has the other. Prints {"url": …} once listening,
// serves loopback only, and exits on SIGTERM.
import { readFileSync } from "node:fs";
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { generateInstances, type Provider, startProvider } from "@workflows-kit/provider";
import { ACCOUNT_ID, DEFINITION_ID, synthInstance, synthJson, synthPage } from "./synth.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: "string" },
    latency: { type: "string", default: "0" },
    "body-file": { type: "string" },
    pages: { type: "string" },
    demo: { type: "boolean", default: false },
  },
});
const kind = positionals[0];
const HOST = "127.0.0.1";

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve(`http://${HOST}:${(server.address() as AddressInfo).port}`));
  });
}

function sendBytes(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  res.end(body);
}

/** Fixed bytes: one file for every request, or a generated page per `limit` (`--pages 100,500`). */
async function bare(): Promise<{ url: string }> {
  const file = values["body-file"];
  const byLimit = new Map<string, Buffer>();
  if (!file) {
    const sizes = (values.pages ?? "100").split(",").map(Number);
    const instances = generateInstances({
      seed: 1,
      accountId: ACCOUNT_ID,
      definitionId: DEFINITION_ID,
      count: Math.max(...sizes),
      versions: 1,
    });
    for (const size of sizes)
      byLimit.set(String(size), Buffer.from(JSON.stringify(instances.slice(0, size))));
  }
  const fixed = file ? readFileSync(file) : undefined;
  const server = createServer((req, res) => {
    if (fixed) return sendBytes(res, fixed);
    const limit = new URL(req.url ?? "/", "http://bench").searchParams.get("limit") ?? "100";
    const body = byLimit.get(limit);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    sendBytes(res, body);
  });
  return { url: await listen(server) };
}

/** Delays every request by `latencyMs`, then forwards it to `target` (a keep-alive hop on loopback). */
async function delayed(target: string, latencyMs: number): Promise<string> {
  const agent = new Agent({ keepAlive: true });
  const { hostname, port } = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    setTimeout(() => {
      const upstream = httpRequest(
        { host: hostname, port, path: req.url, method: req.method, headers: req.headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      res.on("close", () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    }, latencyMs);
  });
  return listen(server);
}

/** The reference provider: its seeded demo data (`--demo`) or `--count` instances of one definition. */
async function provider(): Promise<{ url: string; instances: number; path?: string }> {
  let started: Provider;
  let instances: number;
  if (values.demo) {
    started = await startProvider({ seed: 1 });
    const definitions = started.definitions();
    instances = definitions.reduce((sum, d) => sum + d.instances.length, 0);
    const [largest] = definitions;
    if (largest) {
      const url = await delayedOrNot(started.url);
      return {
        url,
        instances,
        path: `/api/v1/accounts/${largest.accountId}/definitions/${largest.definitionId}/workflows`,
      };
    }
  } else {
    instances = Number(values.count ?? 1000);
    const generated = generateInstances({
      seed: 42,
      accountId: ACCOUNT_ID,
      definitionId: DEFINITION_ID,
      count: instances,
      versions: 1,
    });
    started = await startProvider({
      definitions: [{ definitionId: DEFINITION_ID, accountId: ACCOUNT_ID, instances: generated }],
    });
  }
  return { url: await delayedOrNot(started.url), instances };
}

function delayedOrNot(url: string): Promise<string> {
  const latency = Number(values.latency);
  return latency > 0 ? delayed(url, latency) : Promise.resolve(url);
}

/** Synthesized pages of `--count` instances, built from the offset per request (see synth.ts). */
async function synth(): Promise<{ url: string; instances: number }> {
  const count = Number(values.count ?? 1_000_000);
  for (const index of [0, 1, 2, 3, 4, 5, 4_321, count - 1]) {
    if (synthJson(index) !== JSON.stringify(synthInstance(index)))
      throw new Error(`synthJson(${index}) is off`);
  }
  const server = createServer((req, res) => {
    const body = synthPage(count, new URL(req.url ?? "/", "http://bench").searchParams);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  return { url: await listen(server), instances: count };
}

async function prism(): Promise<{ url: string }> {
  // Loaded only here: Prism's modules would weigh on the other servers' heaps too.
  const { startMock } = await import("@workflows-kit/mock");
  const mock = await startMock({ logLevel: "silent" });
  return { url: mock.url };
}

const kinds: Record<string, () => Promise<{ url: string }>> = { bare, provider, synth, prism };
const start = kind ? kinds[kind] : undefined;
if (!start) {
  console.error(`usage: serve.js <${Object.keys(kinds).join("|")}> [options]`);
  process.exit(2);
}
process.on("SIGTERM", () => process.exit(0));
process.stdout.write(`${JSON.stringify(await start())}\n`);
