import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { OffsetUnit } from "@workflows-kit/client";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { parse } from "yaml";

/**
 * The spec as `@workflows-kit/types` ships it (`@workflows-kit/types/openapi.yaml`), so the
 * published probe reads the document of its release, never a repository path.
 */
export const defaultSpecPath = createRequire(import.meta.url).resolve("@workflows-kit/types/openapi.yaml");

type Node = Record<string, unknown>;
const OPERATION_ID = "listWorkflowInstances";
// Any absolute URI works as the document's id: Ajv resolves refs against it and never fetches it.
const DOCUMENT_ID = "https://workflows-kit.invalid/workflows.openapi.json";

/** What one response of the spec requires: its media types, a body validator per type, required headers. */
export interface ResponseRule {
  /** The spec's key: "200", "429", "5XX", "default". */
  key: string;
  description: string;
  mediaTypes: string[];
  body: Map<string, ValidateFunction>;
  headers: { name: string; validate: ValidateFunction; integer: boolean }[];
}

/** What the probe reads from the spec: the operation, the statements it makes, the schemas of its answers. */
export interface SpecFacts {
  path: string;
  /** Matches the operation's path (after any base path), capturing accountId and definitionId. */
  pathPattern: RegExp;
  offsetUnit: OffsetUnit;
  defaultLimit: number;
  maxLimit: number;
  statuses: string[];
  /** Matches a definitionId the spec accepts. */
  definitionIdPattern: RegExp;
  /** The rule for a status, by exact key, then range (`5XX`), then `default`. */
  responseFor(status: number): ResponseRule | undefined;
}

const at = (node: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((value, key) => (value as Node | undefined)?.[key], node);

const pointer = (...keys: string[]) =>
  keys.map((key) => encodeURIComponent(key.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/");

/** `#/components/parameters/limit` → that node. */
function deref(doc: Node, node: unknown): Node {
  const ref = at(node, "$ref");
  if (typeof ref !== "string") return node as Node;
  return deref(doc, at(doc, ...ref.replace(/^#\//, "").split("/")));
}

/** Where `raw` really is: its own location (a URI fragment), or where its `$ref` leads, with the node. */
function located(doc: Node, fragment: string, raw: unknown): { fragment: string; node: Node } {
  const ref = at(raw, "$ref");
  if (typeof ref !== "string") return { fragment, node: raw as Node };
  const target = ref.replace(/^#\//, "");
  return located(doc, target, at(doc, ...target.split("/")));
}

/** Reads the spec (default: the one `@workflows-kit/types` ships) into the facts and validators the checks use. */
export function loadSpecFacts(file = defaultSpecPath): SpecFacts {
  const doc = parse(readFileSync(file, "utf8")) as Node;
  let path: string | undefined;
  let operation: Node | undefined;
  for (const [template, item] of Object.entries((doc.paths ?? {}) as Node)) {
    if (at(item, "get", "operationId") === OPERATION_ID)
      [path, operation] = [template, at(item, "get") as Node];
  }
  if (!path || !operation) throw new Error(`${file} has no GET operation ${OPERATION_ID}`);
  const parameters = new Map(
    ((operation.parameters ?? []) as unknown[]).map((p) => deref(doc, p)).map((p) => [String(p.name), p]),
  );
  const schemaOf = (name: string) => deref(doc, at(parameters.get(name), "schema"));
  const offsetUnit = at(parameters.get("offset"), "x-offset-unit");
  if (offsetUnit !== "pages" && offsetUnit !== "items") {
    throw new Error(`${file}: the offset parameter has no x-offset-unit (pages or items)`);
  }
  const limit = schemaOf("limit");
  const statusSchema = schemaOf("status");
  const definitionId = schemaOf("definitionId");

  // strict: false lets Ajv skip OpenAPI-only keywords (example, x-*); allErrors lists every finding.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  ajv.addSchema(doc, DOCUMENT_ID);
  const operationPointer = pointer("paths", path, "get", "responses");
  const rules = new Map<string, ResponseRule>();
  for (const [key, raw] of Object.entries((operation.responses ?? {}) as Node)) {
    // A response may be shared (`$ref: "#/components/responses/…"`): validators point at where it is.
    const { fragment: where, node: response } = located(doc, `${operationPointer}/${pointer(key)}`, raw);
    const content = (response.content ?? {}) as Node;
    const body = new Map<string, ValidateFunction>();
    for (const mediaType of Object.keys(content)) {
      if (at(content, mediaType, "schema") === undefined) continue;
      const ref = `${DOCUMENT_ID}#/${where}/${pointer("content", mediaType, "schema")}`;
      body.set(mediaType.toLowerCase(), ajv.compile({ $ref: ref }));
    }
    const headers: ResponseRule["headers"] = [];
    for (const [name, header] of Object.entries((response.headers ?? {}) as Node)) {
      if (deref(doc, header).required !== true) continue;
      const ref = `${DOCUMENT_ID}#/${where}/${pointer("headers", name, "schema")}`;
      const schema = deref(doc, at(deref(doc, header), "schema"));
      headers.push({ name, validate: ajv.compile({ $ref: ref }), integer: schema.type === "integer" });
    }
    rules.set(key.toUpperCase(), {
      key,
      description: String(response.description ?? "").trim(),
      mediaTypes: Object.keys(content).map((type) => type.toLowerCase()),
      body,
      headers,
    });
  }

  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
  return {
    path,
    pathPattern: new RegExp(
      `${escaped
        .replace("{accountId}", "([^/]+)")
        .replace("{definitionId}", "([^/]+)")
        .replace(/\{[^}]+\}/g, "[^/]+")}$`,
    ),
    offsetUnit,
    defaultLimit: Number(limit.default),
    maxLimit: Number(limit.maximum),
    statuses: (statusSchema.enum ?? []) as string[],
    definitionIdPattern: new RegExp(String(definitionId.pattern)),
    responseFor: (status) =>
      rules.get(String(status)) ?? rules.get(`${String(status)[0]}XX`) ?? rules.get("DEFAULT"),
  };
}
