import { readFileSync } from "node:fs";
import { createWorkflowsClient, type WorkflowsClientOptions } from "@workflows-kit/client";
import type { ApiErrorBody, WorkflowInstance } from "@workflows-kit/types";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { expect } from "vitest";
import { parse } from "yaml";
import { defaultSpecPath } from "../src/index.js";

export const accountId = "test_account_id";
export const definitionId = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const ids = { accountId, definitionId } as const;
export const PATH = `/api/v1/accounts/${accountId}/definitions/${definitionId}/workflows`;

// ---- the spec, read as the mock reads it --------------------------------------------------------

type Node = Record<string, unknown>;
const spec = parse(readFileSync(defaultSpecPath, "utf8")) as Node;

function at(node: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((value, key) => (value as Node | undefined)?.[key], node);
}

const responses = at(
  spec,
  "paths",
  "/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows",
  "get",
  "responses",
);

/** The value of a named example of a response in the spec (the source of truth the mock serves). */
export function specExample(status: string, name: string): unknown {
  // A shared response (`$ref: "#/components/responses/…"`) holds its examples where the ref leads.
  const ref = at(responses, status, "$ref");
  const response = typeof ref === "string" ? at(spec, ...ref.slice(2).split("/")) : at(responses, status);
  const value = at(response, "content", "application/json", "examples", name, "value");
  if (value === undefined) throw new Error(`the spec has no example ${name} under ${status}`);
  return value;
}

export const instancesExample = (name: "twoInstances" | "runningInstance" | "empty") =>
  specExample("200", name) as WorkflowInstance[];
export const errorExample = (status: string, name: string) => specExample(status, name) as ApiErrorBody;

/** The spec's `Retry-After` example, in seconds. */
export const retryAfterExample = at(responses, "429", "headers", "Retry-After", "example") as number;

// ---- Ajv against the spec's own schemas (JSON Schema 2020-12, OpenAPI 3.1's dialect) -------------

const DOCUMENT_ID = "https://workflows-kit.invalid/workflows.openapi.json";
// strict: false lets Ajv skip OpenAPI-only keywords (example, x-*); allErrors lists every finding.
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajvFormats.default(ajv);
ajv.addSchema(spec, DOCUMENT_ID);
const pageSchema = ajv.compile({
  type: "array",
  items: { $ref: `${DOCUMENT_ID}#/components/schemas/WorkflowInstance` },
});
const errorSchema = ajv.compile({ $ref: `${DOCUMENT_ID}#/components/schemas/Error` });

function findings(validate: typeof pageSchema, value: unknown): string[] {
  return validate(value)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`);
}
/** Ajv's findings for a 200 body against the spec's schema; empty when it is valid. */
export const pageViolations = (value: unknown) => findings(pageSchema, value);
/** Ajv's findings for an error body against the spec's `Error` schema; empty when it is valid. */
export const errorViolations = (value: unknown) => findings(errorSchema, value);

// ---- what went over the wire --------------------------------------------------------------------

export interface Exchange {
  url: URL;
  requestHeaders: Headers;
  status: number;
  responseHeaders: Headers;
  body: string;
}

/**
 * A fetch that records each exchange as it left this process and came back, after the client's
 * transport rebuilt the Request: what the mock saw and answered, not what the caller meant.
 */
export function recordingFetch(inner: typeof globalThis.fetch = globalThis.fetch) {
  const exchanges: Exchange[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await inner(request.clone());
    exchanges.push({
      url: new URL(request.url),
      requestHeaders: new Headers(request.headers),
      status: response.status,
      responseHeaders: new Headers(response.headers),
      body: await response.clone().text(),
    });
    return response;
  };
  return {
    fetch,
    exchanges,
    last(): Exchange {
      const exchange = exchanges.at(-1);
      if (!exchange) throw new Error("no request was sent");
      return exchange;
    },
  };
}

/** Prism's `sl-violations` header: where each rejected part of the request is, e.g. `request.query.limit`. */
export function violationsOf(exchange: Exchange): string[] {
  const header = exchange.responseHeaders.get("sl-violations");
  if (!header) return [];
  return (JSON.parse(header) as { location: string[] }[]).map((violation) => violation.location.join("."));
}

type Fetch = typeof globalThis.fetch;

/**
 * A real client on the mock, recording its exchanges; no retries unless asked for. `wrap` puts a
 * fetch wrapper between the client's transport and the recorder (what the client's `fetch` option gets).
 */
export function mockClient(
  baseUrl: string,
  options: Omit<Partial<WorkflowsClientOptions>, "fetch"> & { wrap?: (fetch: Fetch) => Fetch } = {},
) {
  const { wrap = (fetch: Fetch) => fetch, ...rest } = options;
  const recorder = recordingFetch();
  const client = createWorkflowsClient({
    apiKey: "mock-key",
    baseUrl,
    maxRetries: 0,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    fetch: wrap(recorder.fetch),
    ...rest,
  });
  return { client, recorder };
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.unreachable("the call resolved; an error was expected");
}

/** A fetch wrapper that drops the client's `Authorization` header, to play a request without a key. */
export const withoutAuthorization =
  (next: Fetch): Fetch =>
  (input, init) => {
    const request = new Request(input, init);
    request.headers.delete("authorization");
    return next(request);
  };
