import { readFile, writeFile } from "node:fs/promises";
import { type Clock, InvalidParameterError } from "@workflows-kit/client";
import {
  formatProbeJson,
  formatProbeJunit,
  formatProbeTable,
  InvalidHarError,
  type ProbeReport,
  probeConformance,
  verdictCounts,
} from "@workflows-kit/conformance";
import { integer, type ProbeCommand, present } from "../args.js";
import { ExitCode, MissingApiKeyError, UsageError } from "../errors.js";
import type { Output } from "../output.js";

export interface ProbeContext {
  env: Readonly<Record<string, string | undefined>>;
  output: Output;
  /** Test seams (RunIO's): the probe's transport, its clock (HAR times) and its 429 waits. */
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Ctrl-C: the request in flight is aborted. */
  signal?: AbortSignal;
}

/** An empty variable counts as unset, as for every other command. */
const setting = (env: ProbeContext["env"], name: string) => (env[name] === "" ? undefined : env[name]);

const systemReason = (error: unknown) =>
  (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));

async function readHarFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`--har: cannot read ${file} (${systemReason(error)})`, "--har");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--har: ${file} is not JSON, so not a HAR file`, "--har");
  }
}

async function writeTo(flag: string, file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new UsageError(`${flag}: cannot write ${file} (${systemReason(error)})`, flag);
  }
}

async function run(command: ProbeCommand, context: ProbeContext): Promise<ProbeReport> {
  const { env, clock } = context;
  const ids = present({ accountId: command.accountId, definitionId: command.definitionId });
  if (command.har !== undefined) {
    try {
      return await probeConformance({ har: await readHarFile(command.har), ...ids });
    } catch (error) {
      if (error instanceof InvalidHarError)
        throw new UsageError(`--har: ${command.har}: ${error.message}`, "--har");
      throw error;
    }
  }
  const apiKey = setting(env, "WORKFLOWS_API_KEY");
  if (apiKey === undefined) throw new MissingApiKeyError();
  try {
    return await probeConformance({
      apiKey,
      accountId: command.accountId as string,
      definitionId: command.definitionId as string,
      ...present({
        baseUrl: command.baseUrl ?? setting(env, "WORKFLOWS_BASE_URL"),
        maxRequests: command.maxRequests,
        timeoutMs: integer(setting(env, "WORKFLOWS_TIMEOUT_MS")),
        fetch: context.fetch,
        signal: context.signal,
        sleep: context.sleep,
        now: clock && (() => clock.now()),
      }),
    });
  } catch (error) {
    // The client names its option; the user typed the flag (the value only when safe to echo).
    if (
      error instanceof InvalidParameterError &&
      error.parameter === "baseUrl" &&
      command.baseUrl !== undefined
    ) {
      throw new UsageError(`--base-url ${error.reason}`, "--base-url");
    }
    throw error;
  }
}

/**
 * `workflows probe`: the spec's statements checked against a server with read-only GETs (or a HAR
 * recording), the report on stdout; exit 0 unless a check is contradicted.
 */
export async function probe(command: ProbeCommand, context: ProbeContext): Promise<number> {
  const { output } = context;
  const report = await run(command, context);
  if (command.saveHar !== undefined && report.har) {
    await writeTo("--save-har", command.saveHar, `${JSON.stringify(report.har, null, 2)}\n`);
  }
  if (command.junit !== undefined) await writeTo("--junit", command.junit, formatProbeJunit(report));
  await output.write(command.format === "json" ? formatProbeJson(report) : formatProbeTable(report));
  return verdictCounts(report).contradicted > 0 ? ExitCode.Contradicted : ExitCode.Ok;
}
