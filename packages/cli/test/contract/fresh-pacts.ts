import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";

// Pact merges into existing files; start from nothing so the output depends only on the tests.
export default async function freshPacts() {
  await rm(fileURLToPath(new URL("../../pacts", import.meta.url)), { recursive: true, force: true });
}
