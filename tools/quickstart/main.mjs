// The main job of the quick start: start the reference provider on a free loopback port with its
// seeded demo data, then run the real `workflows` bin against it as a user would, in child
// processes: a summary, one page as a table, then the probe of the spec's statements. Each command
// is echoed as a line the user can copy and run again; the end says what to try next.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_API_KEY, startProvider } from "@workflows-kit/provider";

/** The data set `pnpm provider` serves by default (`--seed`), and its port. */
const DEMO_SEED = 1;
const PROVIDER_PORT = 4011;

// The bin as the package declares it, so this runs exactly what `npm i -g` would install.
const manifest = createRequire(import.meta.url).resolve("@workflows-kit/cli/package.json");
const bin = path.join(path.dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin.workflows);
// The echoed commands run from the repository root, where `pnpm start` was typed.
const root = fileURLToPath(new URL("../..", import.meta.url));
const binFromRoot = path.relative(root, bin);

/** One shell word: as is when it is safe, else single-quoted. @param {string} text */
const word = (text) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/**
 * `workflows ...args` against `baseUrl` as one line a POSIX shell runs from the repository root.
 * @param {string[]} args
 * @param {string} baseUrl
 */
function commandLine(args, baseUrl) {
  return [`WORKFLOWS_BASE_URL=${baseUrl}`, `WORKFLOWS_API_KEY=${DEMO_API_KEY}`, "node", binFromRoot, ...args]
    .map(word)
    .join(" ");
}

/**
 * Runs `workflows ...args` with its output on ours; rejects unless it exits 0.
 * @param {string[]} args
 * @param {string} baseUrl
 */
function workflows(args, baseUrl) {
  console.log(`\n$ ${commandLine(args, baseUrl)}`);
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, WORKFLOWS_BASE_URL: baseUrl, WORKFLOWS_API_KEY: DEMO_API_KEY },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) =>
        code === 0 ? resolve() : reject(new Error(`workflows ${args[0]} exited with ${code}`)),
      );
    })
  );
}

/**
 * What to run once this is over, against `pnpm provider` (same data, fixed port).
 * @param {string[]} ids
 */
function nextSteps(ids) {
  const url = `http://127.0.0.1:${PROVIDER_PORT}`;
  return [
    "",
    "Next: the provider above has stopped. Serve the same data on its fixed port in another terminal:",
    "  pnpm provider",
    "then, from the repository root:",
    ...[
      ["list", ...ids, "--status", "Terminated", "--limit", "5"],
      ["summary", ...ids, "--format", "json"],
      ["list", ...ids, "--all", "--max", "20", "--format", "csv"],
      ["probe", ...ids],
    ].map((args) => `  ${commandLine(args, url)}`),
    `(--help for every flag; ${binFromRoot} is the \`workflows\` bin of @workflows-kit/cli)`,
  ].join("\n");
}

// The provider accepts this key only, as `pnpm provider` does, so the probe's bad-key check sees a real 401.
const provider = await startProvider({ seed: DEMO_SEED, apiKeys: [DEMO_API_KEY] });
/** @type {string[]} */
let ids;
try {
  const [first] = provider.definitions();
  if (!first) throw new Error("the demo data set has no definition");
  const { accountId, definitionId, instances } = first;
  ids = ["--account", accountId, "--definition", definitionId];
  console.log(`reference provider on ${provider.url}: definition ${definitionId} of account ${accountId}`);
  console.log(`(${instances.length} seeded instances; the CLI sees the latest version)`);
  await workflows(["summary", ...ids], provider.url);
  await workflows(["list", ...ids, "--format", "table", "--limit", "10"], provider.url);
  // Does the server behave as the spec says? Every check is confirmed on the reference provider.
  await workflows(["probe", ...ids], provider.url);
} finally {
  await provider.close();
}
console.log(nextSteps(ids));
