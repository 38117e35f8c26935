// One fault drill in a child process: `node test/drills/driver.mjs` with DRILL_CONFIG (JSON:
// { baseUrl, options, call, ids, leakTimerMs? }) and DRILL_API_KEY in the environment. It uses the package's
// built dist (its own name resolves to ./dist through "exports"), prints one JSON line with the
// outcome, and then simply returns: the test asserts that the process exits by itself soon after,
// which fails if the client left a timer or a socket behind.
import { createWorkflowsClient } from "@workflows-kit/client";
import { runCall } from "@workflows-kit/testing/outcome";

const problems = [];
process.on("unhandledRejection", (reason) => problems.push(`unhandledRejection: ${reason}`));
process.on("uncaughtException", (error) => problems.push(`uncaughtException: ${error}`));
process.on("exit", () => {
  if (problems.length > 0) {
    process.stderr.write(`${problems.join("\n")}\n`);
    process.exitCode = 70;
  }
});

const config = JSON.parse(process.env.DRILL_CONFIG ?? "{}");
const client = createWorkflowsClient({
  apiKey: process.env.DRILL_API_KEY ?? "",
  baseUrl: config.baseUrl,
  ...config.options,
});
const started = performance.now();
const outcome = await runCall(client, config.call, config.ids);
const elapsedMs = performance.now() - started;
// For the harness's own test: a timer left behind on purpose, which the checks must catch.
const leak = config.leakTimerMs ? setTimeout(() => {}, config.leakTimerMs) : undefined;
// What still keeps the event loop alive once the call settled, besides stdio. A socket the client
// aborted takes a few ticks to close: poll (10 ms steps, 1 s at most) before reporting.
const STDIO = new Set(["PipeWrap", "TTYWrap", "FSReqCallback"]);
const others = () => process.getActiveResourcesInfo().filter((kind) => !STDIO.has(kind));
const settleStarted = performance.now();
for (let i = 0; i < 100 && others().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
const settleMs = performance.now() - settleStarted;
const resources = others();
process.stdout.write(`${JSON.stringify({ outcome, elapsedMs, resources, settleMs })}\n`);
// The leak then holds the process its full time from the result line on, however long the poll took.
leak?.refresh();
