import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = path.resolve(fileURLToPath(import.meta.url), "../../src");

// The client must run in browsers too: no Node built-ins, no Node globals.
describe("portability", () => {
  it("imports nothing Node-only and touches no Node global", async () => {
    const files = (await readdir(src)).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      const text = await readFile(path.join(src, file), "utf8");
      const imports = [...text.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
      for (const specifier of imports) {
        expect(specifier, `${file} imports ${specifier}`).toMatch(
          // har-format: the HAR 1.2 types of the recorder (@types/har-format), nothing at run time.
          /^(\.\/|openapi-fetch$|@workflows-kit\/types$|har-format$)/,
        );
      }
      expect(text, `${file} uses a Node global`).not.toMatch(/\b(process|Buffer|require|__dirname)\b[.(]/);
    }
  });
});
