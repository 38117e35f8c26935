#!/usr/bin/env node
// Build step: copies spec/workflows.openapi.yaml into dist/openapi/ so the published package
// ships the document its types were generated from (export "@workflows-kit/types/openapi.yaml").
// dist/ is git-ignored and rebuilt by `build`, whose turbo inputs include the spec and this script.
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { specPath } from "@workflows-kit/spec";

const here = path.dirname(fileURLToPath(import.meta.url));
const from = specPath;
const to = path.resolve(here, "../dist/openapi/workflows.openapi.yaml");
await mkdir(path.dirname(to), { recursive: true });
await copyFile(from, to);
