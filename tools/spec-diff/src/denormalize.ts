// The way back from a client view (normalize.ts) to an OpenAPI 3.1 document, so a single change can
// be applied alone to the base (its view differences, see classify.ts `sourcesOf`) and the result
// checked against the consumers' pacts. Annotations are gone (the validators do not need them);
// everything a validator reads (paths, parameters, bodies, statuses, headers, security, servers) is
// kept, with every schema inline.
import type { Difference } from "microdiff";
import { type Dict, isObject, SCALAR_KEYWORDS } from "./normalize.js";

const parse = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

/** A copy of `view` with the differences applied (CREATE/CHANGE set a value, REMOVE deletes it). */
export function applyDifferences(view: Dict, differences: readonly Difference[]): Dict {
  const out = structuredClone(view);
  // Array entries from the end, so removing one does not shift the next.
  const ordered = [...differences].sort((a, b) => {
    const [x, y] = [a.path.at(-1), b.path.at(-1)];
    return typeof x === "number" && typeof y === "number" ? y - x : 0;
  });
  for (const d of ordered) {
    let parent: unknown = out;
    for (const key of d.path.slice(0, -1)) {
      const next = (parent as Dict)[key as string];
      if (next === undefined || next === null) (parent as Dict)[key as string] = {};
      parent = (parent as Dict)[key as string];
    }
    const key = d.path.at(-1) as string | number;
    if (d.type === "REMOVE") {
      if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
      else delete (parent as Dict)[key];
    } else (parent as Dict)[key] = structuredClone(d.value);
  }
  return out;
}

export function schemaToRaw(view: unknown): Dict {
  if (!isObject(view)) return {};
  const out: Dict = {};
  for (const [key, value] of Object.entries(view)) {
    switch (key) {
      case "type": {
        const types = String(value).split("|");
        out.type = types.length === 1 ? types[0] : types;
        break;
      }
      case "enum":
        out.enum = Object.keys(value as Dict).map((v) => JSON.parse(v));
        break;
      case "required":
        out.required = Object.keys(value as Dict);
        break;
      case "properties":
        out.properties = Object.fromEntries(
          Object.entries(value as Dict).map(([k, v]) => [k, schemaToRaw(v)]),
        );
        break;
      case "additionalProperties":
        out.additionalProperties = value === false ? false : schemaToRaw(value);
        break;
      case "items":
      case "not":
        out[key] = schemaToRaw(value);
        break;
      case "prefixItems":
      case "allOf":
      case "oneOf":
      case "anyOf":
        out[key] = (value as unknown[]).map(schemaToRaw);
        break;
      case "$recursive":
        break; // a recursive schema's deeper levels: left unconstrained
      default:
        out[key] = SCALAR_KEYWORDS.has(key) ? value : parse(value);
    }
  }
  return out;
}

function contentToRaw(view: unknown): Dict {
  return Object.fromEntries(
    Object.entries(isObject(view) ? view : {}).map(([mt, s]) => [mt, { schema: schemaToRaw(s) }]),
  );
}

function extensions(view: Dict, out: Dict): void {
  for (const [key, value] of Object.entries(view)) if (key.startsWith("x-")) out[key] = parse(value);
}

function security(view: unknown): Dict[] {
  return Object.keys(isObject(view) ? view : {}).flatMap((key) => {
    if (key === "(none)") return [];
    if (key === "(anonymous)") return [{}];
    const requirement: Dict = {};
    for (const part of key.split(" + ")) {
      const m = /^([^[]+)(?:\[(.*)\])?$/.exec(part);
      requirement[m?.[1] ?? part] = m?.[2] ? m[2].split(",") : [];
    }
    return [requirement];
  });
}

/** An OpenAPI 3.1 document equivalent, for validators, to the client view `view`. */
export function viewToSpec(view: Dict, labels: ReadonlyMap<string, string>): Dict {
  const paths: Dict = {};
  const securitySchemes: Dict = {};
  let servers: Dict[] | undefined;
  for (const [key, raw] of Object.entries(isObject(view.operations) ? view.operations : {})) {
    const op = raw as Dict;
    const label = labels.get(key) ?? key;
    const space = label.indexOf(" ");
    const method = label.slice(0, space).toLowerCase();
    const template = label.slice(space + 1);
    const operation: Dict = { responses: {} };
    if (typeof op.operationId === "string") operation.operationId = op.operationId;
    if (op.deprecated === true) operation.deprecated = true;
    operation.security = security(op.security);
    for (const [name, scheme] of Object.entries(isObject(op.securitySchemes) ? op.securitySchemes : {})) {
      const definition: Dict = { ...(scheme as Dict) };
      if (definition.flows !== undefined) definition.flows = parse(definition.flows);
      securitySchemes[name] = definition;
    }
    if (servers === undefined && isObject(op.servers)) {
      const alternatives = Object.keys(isObject(op.servers.alternatives) ? op.servers.alternatives : {});
      servers = [String(op.servers.default ?? "/"), ...alternatives].map((url) => ({ url }));
    }
    operation.parameters = Object.entries(isObject(op.parameters) ? op.parameters : {}).map(([id, raw]) => {
      const p = raw as Dict;
      const [where, name] = id.split(/:(.*)/s) as [string, string];
      const parameter: Dict = { name, in: where, required: p.required, style: p.style, explode: p.explode };
      if (p.schema !== undefined) parameter.schema = schemaToRaw(p.schema);
      if (p.content !== undefined) parameter.content = contentToRaw(p.content);
      if (p.deprecated === true) parameter.deprecated = true;
      extensions(p, parameter);
      return parameter;
    });
    if (isObject(op.requestBody))
      operation.requestBody = {
        required: op.requestBody.required,
        content: contentToRaw(op.requestBody.content),
      };
    for (const [status, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
      const r = raw as Dict;
      const response: Dict = { description: status };
      if (isObject(r.content) && Object.keys(r.content).length > 0)
        response.content = contentToRaw(r.content);
      const headers = Object.entries(isObject(r.headers) ? r.headers : {});
      if (headers.length > 0)
        response.headers = Object.fromEntries(
          headers.map(([name, h]) => {
            const header: Dict = { required: (h as Dict).required };
            if ((h as Dict).schema !== undefined) header.schema = schemaToRaw((h as Dict).schema);
            if ((h as Dict).content !== undefined) header.content = contentToRaw((h as Dict).content);
            return [name, header];
          }),
        );
      (operation.responses as Dict)[status] = response;
    }
    const item = (paths[template] ?? {}) as Dict;
    item[method] = operation;
    paths[template] = item;
  }
  const doc: Dict = { openapi: "3.1.0", info: { title: "client view", version: "0" }, paths };
  if (servers) doc.servers = servers;
  if (Object.keys(securitySchemes).length > 0) doc.components = { securitySchemes };
  return doc;
}
