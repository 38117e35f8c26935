import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { type ChildServer, entry, startChild } from "../children.js";
import { type BenchmarkResult, check, type Row } from "../result.js";
import { interleave, median, quantile, ratios, round } from "../stats.js";

const HEADERS = { authorization: "Bearer bench" };
const QUERY = "?limit=100&offset=1&status=Complete";
const CONNECTIONS = 10;

async function bytesOf(url: string): Promise<Buffer> {
  const response = await fetch(url, { headers: HEADERS });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Mock throughput: requests/s of Prism, of the reference provider and of a bare node:http server
 * answering the same bytes, each in a child process, loaded by the same autocannon settings.
 */
export async function throughput(options: {
  rounds: number;
  durationSeconds: number;
}): Promise<BenchmarkResult> {
  const started = performance.now();
  const servers: ChildServer[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), "workflows-bench-"));
  const start = async (...args: string[]) => {
    const server = await startChild(entry("serve"), args);
    servers.push(server);
    return server;
  };
  try {
    const provider = await start("provider", "--demo");
    const prism = await start("prism");
    const route = `${provider.info.path as string}${QUERY}`;
    const bodies = {
      prism: await bytesOf(`${prism.url}${route}`),
      provider: await bytesOf(`${provider.url}${route}`),
    };
    writeFileSync(path.join(dir, "prism.json"), bodies.prism);
    writeFileSync(path.join(dir, "provider.json"), bodies.provider);
    const barePrism = await start("bare", "--body-file", path.join(dir, "prism.json"));
    const bareProvider = await start("bare", "--body-file", path.join(dir, "provider.json"));

    const load = (server: ChildServer, seconds: number) => async () => {
      const result = await autocannon({
        url: `${server.url}${route}`,
        connections: CONNECTIONS,
        duration: seconds,
        headers: HEADERS,
      });
      if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
        throw new Error(
          `${server.url}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`,
        );
      }
      return result.requests.average;
    };
    const contestants = { barePrism, prism, bareProvider, provider };
    for (const server of Object.values(contestants)) await load(server, 1)(); // warm-up
    const rps = await interleave(
      {
        barePrism: load(barePrism, options.durationSeconds),
        prism: load(prism, options.durationSeconds),
        bareProvider: load(bareProvider, options.durationSeconds),
        provider: load(provider, options.durationSeconds),
      },
      options.rounds,
    );
    const row = (
      caseName: string,
      baseline: keyof typeof rps,
      baselineLabel: string,
      subject: keyof typeof rps,
      subjectLabel: string,
      target?: Row["target"],
    ): Row => {
      const perRound = ratios(rps[subject], rps[baseline]);
      return check({
        case: caseName,
        baseline: baselineLabel,
        subject: subjectLabel,
        unit: "req/s",
        baselineValue: Math.round(median(rps[baseline])),
        subjectValue: Math.round(median(rps[subject])),
        ratio: round(median(perRound), 3),
        spread: [round(quantile(perRound, 0.25), 3), round(quantile(perRound, 0.75), 3)],
        ...(target ? { target } : {}),
      });
    };
    const rows = [
      row(
        `Prism's ${bodies.prism.length} B answer`,
        "barePrism",
        "bare node:http",
        "prism",
        "Prism (startMock)",
      ),
      row(
        `the provider's ${bodies.provider.length} B answer`,
        "bareProvider",
        "bare node:http",
        "provider",
        "reference provider",
      ),
      row("the same query", "prism", "Prism (startMock)", "provider", "reference provider", {
        on: "ratio",
        op: ">=",
        value: 10,
        text: "≥ 10×",
      }),
    ];
    return {
      id: "throughput",
      title: "Mock throughput",
      ratio: "requests/s of the subject / requests/s of the baseline (higher is better)",
      method:
        `\`GET …/workflows${QUERY}\` with a bearer key, autocannon with ${CONNECTIONS} connections for ` +
        `${options.durationSeconds} s per run, ${options.rounds} rounds in rotating order after a 1 s warm-up of each server; ` +
        "every server in a child process of its own (the load generator has the other core), loopback only. " +
        "Prism is `startMock()` (static examples: it answers the spec's two-instance example whatever the query); " +
        "the provider serves its seeded demo data set (3 700 instances) and answers the query for real. Each bare " +
        "server answers the exact bytes of the server it is compared with. Every run must end with no error and no non-2xx.",
      rows,
      notes: [],
      seconds: round((performance.now() - started) / 1000, 1),
      measuredAt: new Date().toISOString(),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
