#!/usr/bin/env node
import { workspaceRoot } from "@workflows-kit/spec";
import { publish } from "./publish.js";

const outcome = await publish(process.argv.slice(2), { env: process.env, root: workspaceRoot });
process.stdout.write(outcome.out);
process.stderr.write(outcome.err);
process.exitCode = outcome.exitCode;
