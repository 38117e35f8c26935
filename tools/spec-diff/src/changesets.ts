// Reads pending changesets (.changeset/*.md): YAML front matter mapping package → bump type.
// `@changesets/parse` would be the canonical parser, but its maintained line (1.x) needs
// Node >= 22.11; its format is small and is parsed here with `yaml`, the same way.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { isObject } from "./normalize.js";

export type Bump = "none" | "patch" | "minor" | "major";
const BUMPS: readonly Bump[] = ["none", "patch", "minor", "major"];

export interface Changeset {
  /** file name relative to the changeset folder */
  file: string;
  releases: { name: string; type: Bump }[];
  summary: string;
}

// The same shape changesets itself accepts: optional BOM/whitespace, `---`, YAML, `---`, summary.
const FRONT_MATTER = /^\uFEFF?\s*---[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*---[ \t]*(?:\r?\n([\s\S]*))?$/;

export function parseChangeset(text: string, file: string): Changeset {
  const m = FRONT_MATTER.exec(text);
  if (!m) throw new Error(`${file}: no front matter (--- "package": bump ---)`);
  let data: unknown;
  try {
    data = parse(m[1] ?? "");
  } catch (error) {
    throw new Error(`${file}: front matter is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  if (data !== null && data !== undefined && !isObject(data))
    throw new Error(`${file}: front matter must map package names to bump types`);
  const releases: Changeset["releases"] = [];
  for (const [name, type] of Object.entries(data ?? {})) {
    if (!BUMPS.includes(type as Bump))
      throw new Error(`${file}: "${name}": ${JSON.stringify(type)} is not one of ${BUMPS.join(", ")}`);
    releases.push({ name, type: type as Bump });
  }
  return { file, releases, summary: (m[2] ?? "").trim() };
}

export interface ChangesetScan {
  changesets: Changeset[];
  /** files that are not valid changesets, with the reason: they count for nothing */
  problems: string[];
}

export function readChangesets(dir: string): ChangesetScan {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { changesets: [], problems: [] };
  }
  const scan: ChangesetScan = { changesets: [], problems: [] };
  for (const name of names.sort()) {
    // changesets' own README.md lives here too and is no changeset.
    if (!name.endsWith(".md") || name.toLowerCase() === "readme.md") continue;
    try {
      scan.changesets.push(parseChangeset(readFileSync(path.join(dir, name), "utf8"), name));
    } catch (error) {
      scan.problems.push((error as Error).message);
    }
  }
  return scan;
}

/** The highest bump each package gets across all changesets, and which files give it. */
export function highestBumps(changesets: Changeset[]): Map<string, { type: Bump; files: string[] }> {
  const out = new Map<string, { type: Bump; files: string[] }>();
  for (const c of changesets) {
    for (const r of c.releases) {
      const current = out.get(r.name);
      if (!current || BUMPS.indexOf(r.type) > BUMPS.indexOf(current.type))
        out.set(r.name, { type: r.type, files: [c.file] });
      else if (current.type === r.type) current.files.push(c.file);
    }
  }
  return out;
}
