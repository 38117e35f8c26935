import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { type ChildServer, entry, startChild } from "../children.js";
import { type BenchmarkResult, check, type Row } from "../result.js";
import { interleave, median, quantile, ratios, round } from "../stats.js";

const HEADERS = { authorization: "Bearer bench" };
// Two instances: Prism answers its two-instance example whatever the query, so with limit=2 both
// servers answer the same amount (≈950 B) and the comparison is of servers, not of payloads.
const QUERY = "?limit=2&offset=3&status=Complete";
const CONNECTIONS = 10;
const DISTINCT_QUERIES = 300;
const PRISM_WARMUP_SECONDS = 8;
const TARGET = { on: "ratio", op: ">=", value: 10, text: "≥ 10×" } as const;

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

    // The same query with 300 different startTimeTo values: a mix of pages, each answered for real.
    const newest = JSON.parse(
      (await bytesOf(`${provider.url}${provider.info.path as string}?limit=500&status=Complete`)).toString(
        "utf8",
      ),
    ) as { startedAt: string }[];
    const varied = newest
      .slice(0, DISTINCT_QUERIES)
      .map(({ startedAt }) => ({ path: `${route}&startTimeTo=${encodeURIComponent(startedAt)}` }));
    if (varied.length < DISTINCT_QUERIES) throw new Error("the demo data set has too few instances");

    const load = (server: ChildServer, seconds: number, requests?: { path: string }[]) => async () => {
      const result = await autocannon({
        url: `${server.url}${route}`,
        connections: CONNECTIONS,
        duration: seconds,
        headers: HEADERS,
        ...(requests ? { requests } : {}),
      });
      if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
        throw new Error(
          `${server.url}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`,
        );
      }
      return result.requests.average;
    };
    const { durationSeconds: seconds } = options;
    const contestants = {
      barePrism: load(barePrism, seconds),
      prism: load(prism, seconds),
      bareProvider: load(bareProvider, seconds),
      provider: load(provider, seconds),
      providerVaried: load(provider, seconds, varied),
    };
    // Warm-up (JIT, connections, caches): Prism takes ≈10 s of load to reach its pace, the rest 2 s.
    await load(prism, PRISM_WARMUP_SECONDS)();
    for (const server of [barePrism, bareProvider, provider]) await load(server, 2)();
    await load(provider, 2, varied)();
    const rps = await interleave(contestants, options.rounds);
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
      row("the same query", "prism", "Prism (startMock)", "provider", "reference provider", TARGET),
      row(
        `${DISTINCT_QUERIES} distinct queries`,
        "prism",
        "Prism (startMock)",
        "providerVaried",
        "reference provider",
      ),
    ];
    return {
      id: "throughput",
      title: "Mock throughput",
      ratio: "requests/s of the subject / requests/s of the baseline (higher is better)",
      method:
        `\`GET …/workflows${QUERY}\` with a bearer key, autocannon with ${CONNECTIONS} connections for ` +
        `${options.durationSeconds} s per run, ${options.rounds} rounds in rotating order after a warm-up of each server ` +
        `(${PRISM_WARMUP_SECONDS} s for Prism, which is several times slower in its first seconds; 2 s for the others); ` +
        "every server in a child process of its own (the load generator has the other core), loopback only. " +
        "Prism is `startMock()` (static examples: it answers the spec's two-instance example whatever the query, so " +
        "the query asks for two); the provider serves its seeded demo data set (3 700 instances) and answers every " +
        "request for real (it keeps no page cache), once with the " +
        `same query and once cycling through ${DISTINCT_QUERIES} values of startTimeTo. Each bare ` +
        "server answers the exact bytes of the server it is compared with. Every run must end with no error and no non-2xx.",
      rows,
      notes: [
        "The target is on the same query (a load test repeats one); the row below it shows a mix of queries. " +
          "The provider has no page cache: every request is parsed, checked against the spec and its page assembled.",
      ],
      seconds: round((performance.now() - started) / 1000, 1),
      measuredAt: new Date().toISOString(),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
