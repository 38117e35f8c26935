import { rm } from "node:fs/promises";

// Pact merges into an existing file: start from nothing, so the pact holds only what these tests pin.
export default async function freshPacts() {
  await rm(new URL("../../pacts", import.meta.url), { recursive: true, force: true });
}
