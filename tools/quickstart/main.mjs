// The main job of the quick start: start the reference provider on a free loopback port with its
// seeded demo data, then run the real `workflows` bin against it as a user would, in child
// processes: a summary, one page as a table, then the probe of the spec's statements. No API key
// from the user, no network.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { startProvider } from "@workflows-kit/provider";

// The bin as the package declares it, so this runs exactly what `npm i -g` would install.
const manifest = createRequire(import.meta.url).resolve("@workflows-kit/cli/package.json");
const bin = path.join(path.dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin.workflows);

/** Runs `workflows ...args` with its output on ours; rejects unless it exits 0. */
function workflows(args, env) {
  console.log(`\n$ workflows ${args.join(" ")}`);
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`workflows ${args[0]} exited with ${code}`)),
    );
  });
}

// The provider accepts this key only, so the probe's bad-key check sees a real 401.
const DEMO_KEY = "local-demo-key";
const provider = await startProvider({ seed: 1, apiKeys: [DEMO_KEY] });
try {
  const [{ accountId, definitionId, instances }] = provider.definitions();
  console.log(`reference provider on ${provider.url}: definition ${definitionId} of account ${accountId}`);
  console.log(`(${instances.length} seeded instances; the CLI sees the latest version)`);
  // A real key goes in WORKFLOWS_API_KEY; this one is the demo provider's.
  const env = { WORKFLOWS_BASE_URL: provider.url, WORKFLOWS_API_KEY: DEMO_KEY };
  const ids = ["--account", accountId, "--definition", definitionId];
  await workflows(["summary", ...ids], env);
  await workflows(["list", ...ids, "--format", "table", "--limit", "10"], env);
  // Does the server behave as the spec says? Every check is confirmed on the reference provider.
  await workflows(["probe", ...ids], env);
} finally {
  await provider.close();
}
