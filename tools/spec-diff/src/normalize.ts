// Turns an OpenAPI 3.x document into the "client view" that the diff runs on:
// - every operation, keyed by method and path template (parameter names blanked, so renaming
//   `{id}` in the template is not a removed operation),
// - its parameters keyed by `in:name`, its request body and its responses keyed by status,
// - every schema dereferenced *where it is used*. A shared component (WorkflowStatus is both a
//   query parameter and a response field) shows up once per use, so a change to it is judged
//   once as a request change and once as a response change,
// - sets (enum, required, type, security alternatives) as maps keyed by value, so the
//   structural diff reports "value added/removed" instead of shifted array indexes,
// - annotations (descriptions, examples, titles) dropped: they never break a client.
// Map objects have no prototype, so a property called "constructor" diffs like any other.

export type Dict = Record<string, unknown>;

export const isObject = (value: unknown): value is Dict =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function dict(entries: Dict = {}): Dict {
  return Object.assign(Object.create(null) as Dict, entries);
}

/** JSON with sorted keys: equal values, equal strings. */
export function stable(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "undefined";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value)) {
    const out: Dict = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Schema keywords that never change which values are valid. */
const ANNOTATIONS = new Set([
  "$comment",
  "$schema",
  "$id",
  "$anchor",
  "$dynamicAnchor",
  "$defs",
  "definitions",
  "title",
  "description",
  "summary",
  "example",
  "examples",
  "externalDocs",
  "xml",
  "discriminator",
  "readOnly",
  "writeOnly",
  "contentEncoding",
  "contentMediaType",
]);

/** Keywords whose primitive value is compared as such (bounds, formats, flags). */
export const SCALAR_KEYWORDS = new Set([
  "format",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "deprecated",
]);

export interface NormalizedSpec {
  /** `{ operations: { "GET /a/{}/b": OperationView } }` */
  view: Dict;
  /** operation key → the path as written (`GET /a/{id}/b`), for messages */
  labels: Map<string, string>;
}

export function normalizeSpec(doc: unknown): NormalizedSpec {
  if (!isObject(doc)) throw new Error("the document is not a YAML/JSON object");
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.")) {
    throw new Error(`only OpenAPI 3.x is supported (openapi: ${stable(doc.openapi ?? doc.swagger)})`);
  }
  const n = new Normalizer(doc);
  const operations = dict();
  const labels = new Map<string, string>();
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [template, rawItem] of Object.entries(paths)) {
    const item = n.deref(rawItem);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const key = `${method.toUpperCase()} ${template.replace(/\{[^}]*\}/g, "{}")}`;
      labels.set(key, `${method.toUpperCase()} ${template}`);
      operations[key] = n.operation(op, item);
    }
  }
  return { view: dict({ operations }), labels };
}

class Normalizer {
  constructor(private readonly doc: Dict) {}

  resolve(ref: string): unknown {
    if (!ref.startsWith("#")) throw new Error(`only local $refs are supported, not ${ref}`);
    let current: unknown = this.doc;
    for (const raw of ref.slice(1).split("/").slice(1)) {
      const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      current = isObject(current) || Array.isArray(current) ? (current as Dict)[part] : undefined;
      if (current === undefined) throw new Error(`unresolved $ref ${ref}`);
    }
    return current;
  }

  /** Follows `$ref` chains of non-schema objects (parameters, responses, headers, bodies). */
  deref(value: unknown, seen: string[] = []): Dict {
    if (!isObject(value)) return {};
    if (typeof value.$ref !== "string") return value;
    const { $ref: ref, ...siblings } = value;
    if (seen.includes(ref)) throw new Error(`circular $ref ${ref}`);
    return { ...this.deref(this.resolve(ref), [...seen, ref]), ...siblings };
  }

  operation(op: Dict, item: Dict): Dict {
    const view = dict();
    if (typeof op.operationId === "string") view.operationId = op.operationId;
    if (op.deprecated === true) view.deprecated = true;
    view.servers = this.servers(op.servers ?? item.servers ?? this.doc.servers);
    const security = op.security ?? this.doc.security;
    view.security = this.security(security);
    view.securitySchemes = this.securitySchemes(security);
    const parameters = dict();
    for (const list of [item.parameters, op.parameters]) {
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        const p = this.deref(raw);
        const where = String(p.in);
        const name = where === "header" ? String(p.name).toLowerCase() : String(p.name);
        parameters[`${where}:${name}`] = this.parameter(p, where);
      }
    }
    view.parameters = parameters;
    if (op.requestBody !== undefined) {
      const body = this.deref(op.requestBody);
      view.requestBody = dict({ required: body.required === true, content: this.content(body.content) });
    }
    const responses = dict();
    for (const [status, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
      const response = this.deref(raw);
      const headers = dict();
      for (const [name, h] of Object.entries(isObject(response.headers) ? response.headers : {})) {
        headers[name.toLowerCase()] = this.header(this.deref(h));
      }
      responses[status.toUpperCase()] = dict({ content: this.content(response.content), headers });
    }
    view.responses = responses;
    return view;
  }

  /** Each alternative of a security requirement list; `(none)` when the operation is public. */
  security(list: unknown): Dict {
    const out = dict();
    if (!Array.isArray(list) || list.length === 0) {
      out["(none)"] = true;
      return out;
    }
    for (const requirement of list) {
      const schemes = isObject(requirement) ? Object.keys(requirement).sort() : [];
      const key = schemes
        .map((scheme) => {
          const scopes = (requirement as Dict)[scheme];
          return Array.isArray(scopes) && scopes.length > 0
            ? `${scheme}[${[...scopes].sort().join(",")}]`
            : scheme;
        })
        .join(" + ");
      out[key || "(anonymous)"] = true;
    }
    return out;
  }

  /**
   * The first server is a generated client's default base URL (`{variables}` filled with their
   * defaults); the others are alternatives a caller may pick. No servers means "/" (OpenAPI 3).
   */
  servers(list: unknown): Dict {
    const urls = (Array.isArray(list) ? list : []).filter(isObject).map((server) => {
      const variables = isObject(server.variables) ? server.variables : {};
      return String(server.url ?? "/").replace(/\{([^}]+)\}/g, (whole, name: string) => {
        const variable = variables[name];
        return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
      });
    });
    const [first = "/", ...others] = urls;
    return dict({ default: first, alternatives: dict(Object.fromEntries(others.map((url) => [url, true]))) });
  }

  /** The definitions of the schemes the operation's security requirements name, as clients use them. */
  securitySchemes(list: unknown): Dict {
    const out = dict();
    const components = isObject(this.doc.components) ? this.doc.components : {};
    const defined = isObject(components.securitySchemes) ? components.securitySchemes : {};
    for (const requirement of Array.isArray(list) ? list : []) {
      for (const name of isObject(requirement) ? Object.keys(requirement) : []) {
        const scheme = this.deref(defined[name]);
        const view = dict();
        for (const key of ["type", "scheme", "bearerFormat", "in", "name", "openIdConnectUrl"])
          if (typeof scheme[key] === "string")
            // HTTP auth scheme names are case-insensitive (RFC 9110): "Bearer" is "bearer".
            view[key] = key === "scheme" ? String(scheme[key]).toLowerCase() : scheme[key];
        if (scheme.flows !== undefined) view.flows = stable(scheme.flows);
        out[name] = view;
      }
    }
    return out;
  }

  parameter(p: Dict, where: string): Dict {
    const style =
      typeof p.style === "string" ? p.style : where === "query" || where === "cookie" ? "form" : "simple";
    const view = dict({
      required: where === "path" || p.required === true,
      style,
      explode: typeof p.explode === "boolean" ? p.explode : style === "form",
    });
    if (p.schema !== undefined) view.schema = this.schema(p.schema);
    if (p.content !== undefined) view.content = this.content(p.content);
    if (p.deprecated === true) view.deprecated = true;
    this.extensions(p, view);
    return view;
  }

  header(h: Dict): Dict {
    const view = dict({ required: h.required === true });
    if (h.schema !== undefined) view.schema = this.schema(h.schema);
    if (h.content !== undefined) view.content = this.content(h.content);
    if (h.deprecated === true) view.deprecated = true;
    return view;
  }

  content(content: unknown): Dict {
    const out = dict();
    if (!isObject(content)) return out;
    for (const [mediaType, media] of Object.entries(content)) {
      out[mediaType.toLowerCase()] =
        isObject(media) && media.schema !== undefined ? this.schema(media.schema) : dict();
    }
    return out;
  }

  extensions(from: Dict, to: Dict): void {
    for (const [key, value] of Object.entries(from)) if (key.startsWith("x-")) to[key] = stable(value);
  }

  schema(raw: unknown, seen: string[] = []): Dict {
    if (raw === true || raw === undefined) return dict();
    if (raw === false) return dict({ not: dict() });
    if (!isObject(raw)) throw new Error(`not a schema: ${stable(raw)}`);
    if (typeof raw.$ref === "string") {
      const { $ref: ref, ...siblings } = raw;
      // A recursive schema is expanded once; deeper levels compare by reference.
      if (seen.includes(ref)) return dict({ $recursive: ref });
      const target = this.resolve(ref);
      const merged = isObject(target) ? { ...target, ...siblings } : target;
      return this.schema(merged, [...seen, ref]);
    }
    const nullable = this.nullableUnion(raw, seen);
    if (nullable) return nullable;

    const out = dict();
    if (typeof raw.type === "string" || Array.isArray(raw.type)) {
      const types = new Set(Array.isArray(raw.type) ? raw.type.map(String) : [raw.type]);
      if (raw.nullable === true) types.add("null"); // OpenAPI 3.0
      out.type = [...types].sort().join("|");
    }
    for (const [key, value] of Object.entries(raw)) {
      if (key === "type" || key === "nullable" || ANNOTATIONS.has(key)) continue;
      switch (key) {
        case "enum":
          if (Array.isArray(value)) out.enum = dict(Object.fromEntries(value.map((v) => [stable(v), true])));
          break;
        case "const":
        case "default":
          out[key] = stable(value);
          break;
        case "required":
          if (Array.isArray(value) && value.length > 0)
            out.required = dict(Object.fromEntries(value.map((name) => [String(name), true])));
          break;
        case "properties":
          if (isObject(value) && Object.keys(value).length > 0) {
            const properties = dict();
            for (const [name, schema] of Object.entries(value)) properties[name] = this.schema(schema, seen);
            out.properties = properties;
          }
          break;
        case "additionalProperties":
          if (value === false) out.additionalProperties = false;
          else if (isObject(value)) {
            const schema = this.schema(value, seen);
            if (Object.keys(schema).length > 0) out.additionalProperties = schema;
          }
          break;
        case "items":
          if (Array.isArray(value)) out.prefixItems = value.map((s) => this.schema(s, seen));
          else out.items = this.schema(value, seen);
          break;
        case "prefixItems":
        case "allOf":
        case "oneOf":
        case "anyOf":
          if (Array.isArray(value)) out[key] = value.map((s) => this.schema(s, seen));
          break;
        case "not":
          out.not = this.schema(value, seen);
          break;
        default:
          if (SCALAR_KEYWORDS.has(key) && (typeof value !== "object" || value === null)) out[key] = value;
          // x-* extensions and keywords this tool does not analyse: compared as opaque JSON.
          else out[key] = stable(value);
      }
    }
    return out;
  }

  /**
   * `oneOf: [X, {type: "null"}]` (the 3.1 way to say "X or null", as `completedAt` does) is
   * read as X with `null` added to its types, so "no longer nullable" is a type change and not
   * a removed variant.
   */
  private nullableUnion(raw: Dict, seen: string[]): Dict | undefined {
    for (const key of ["oneOf", "anyOf"] as const) {
      const branches = raw[key];
      if (!Array.isArray(branches) || branches.length !== 2) continue;
      const views = branches.map((b) => this.schema(b, seen));
      const nullIndex = views.findIndex((v) => Object.keys(v).length === 1 && v.type === "null");
      if (nullIndex < 0) continue;
      const { [key]: _union, ...outer } = raw;
      const outerView = this.schema(outer, seen);
      const view = dict({ ...outerView, ...views[1 - nullIndex] });
      if (typeof view.type === "string")
        view.type = [...new Set([...view.type.split("|"), "null"])].sort().join("|");
      return view;
    }
    return undefined;
  }
}
