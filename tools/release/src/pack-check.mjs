#!/usr/bin/env node
// `pack:check` → `node src/pack-check.mjs`: packs every public package into dist/pack/ and checks each
// tarball with publint and attw; exit 1 naming every problem. `release` and the tarballs test depend on it.
import { packAndCheck, packDir } from "./pack.mjs";

const { packed, failures } = await packAndCheck({ log: (line) => console.log(line) });
for (const { name, problems } of failures) {
  console.error(`pack:check: ${name}:`);
  for (const problem of problems) console.error(`  ✗ ${problem}`);
}
if (failures.length > 0) {
  console.error(`pack:check: ${failures.length} of ${packed.length} packages failed`);
  process.exitCode = 1;
} else {
  console.log(
    `pack:check: ${packed.length} tarballs in ${packDir}, all clean (publint --strict, attw esm-only)`,
  );
}
