// Finds every example in an OpenAPI 3.1 document and validates it against its schema with Ajv (2020-12).
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";

export type OpenApiDocument = Record<string, unknown>;

export type ExampleKind = "media type" | "parameter" | "header" | "schema";

export interface ExampleCase {
  /** JSON pointer of the example value in the document. */
  pointer: string;
  /** JSON pointer of the schema the value must satisfy. */
  schemaPointer: string;
  kind: ExampleKind;
  value: unknown;
}

export interface ExampleResult extends ExampleCase {
  /** Ajv's findings, one line each; empty when the example is valid. */
  errors: string[];
}

export type ValueValidator = (schemaPointer: string, value: unknown) => string[];

// Any absolute URI works as the document's id: Ajv resolves refs against it and never fetches it.
const DOCUMENT_ID = "https://workflows-kit.invalid/workflows.openapi.json";
const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "dependentSchemas", "$defs"];
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SUBSCHEMAS = [
  "additionalProperties",
  "items",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedItems",
  "unevaluatedProperties",
];

export { loadSpec } from "../index.mjs";

function pointerTo(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

/** The node at a JSON pointer (used by tests to reach an example in a copy of the document). */
export function nodeAt(doc: unknown, pointer: string): unknown {
  return pointer
    .split("/")
    .slice(1)
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>(
      (node, key) => (isObject(node) || Array.isArray(node) ? Reflect.get(node, key) : undefined),
      doc,
    );
}

/** Every example of the document, walked along the OpenAPI structure so each one is paired with its schema. */
export function collectExamples(doc: OpenApiDocument): ExampleCase[] {
  const cases: ExampleCase[] = [];

  // Examples held by a parameter, header or media type, all of which carry their schema under `schema`.
  const holderExamples = (node: Record<string, unknown>, pointer: string, kind: ExampleKind): void => {
    const schemaPointer = pointerTo(pointer, "schema");
    schema(node.schema, schemaPointer);
    if ("example" in node) {
      cases.push({ pointer: pointerTo(pointer, "example"), schemaPointer, kind, value: node.example });
    }
    for (const [name, example] of entries(node.examples)) {
      const examplePointer = pointerTo(pointerTo(pointer, "examples"), name);
      // A $ref or externalValue example has no inline value; fail loudly rather than skip it.
      if (!isObject(example) || !("value" in example)) {
        throw new Error(`${examplePointer}: no inline value to check`);
      }
      cases.push({ pointer: pointerTo(examplePointer, "value"), schemaPointer, kind, value: example.value });
    }
  };

  const content = (node: unknown, pointer: string, kind: ExampleKind): void => {
    // A media type without a schema has nothing to check its examples against.
    for (const [mediaType, media] of entries(node)) {
      if (isObject(media) && "schema" in media) holderExamples(media, pointerTo(pointer, mediaType), kind);
    }
  };

  // Parameters and headers share one shape: either `schema` or `content`; a $ref is checked where it points.
  const parameter = (node: unknown, pointer: string, kind: "parameter" | "header"): void => {
    if (!isObject(node) || "$ref" in node) return;
    if ("schema" in node) holderExamples(node, pointer, kind);
    content(node.content, pointerTo(pointer, "content"), kind);
  };

  const parameters = (node: unknown, pointer: string): void => {
    if (!Array.isArray(node)) return;
    for (const [i, item] of node.entries()) parameter(item, pointerTo(pointer, i), "parameter");
  };

  const headers = (node: unknown, pointer: string): void => {
    for (const [name, header] of entries(node)) parameter(header, pointerTo(pointer, name), "header");
  };

  const response = (node: unknown, pointer: string): void => {
    if (!isObject(node) || "$ref" in node) return;
    headers(node.headers, pointerTo(pointer, "headers"));
    content(node.content, pointerTo(pointer, "content"), "media type");
  };

  const requestBody = (node: unknown, pointer: string): void => {
    if (isObject(node) && !("$ref" in node)) {
      content(node.content, pointerTo(pointer, "content"), "media type");
    }
  };

  const callbacks = (node: unknown, pointer: string): void => {
    for (const [name, callback] of entries(node)) {
      for (const [expression, item] of entries(callback)) {
        pathItem(item, pointerTo(pointerTo(pointer, name), expression));
      }
    }
  };

  const pathItem = (node: unknown, pointer: string): void => {
    if (!isObject(node)) return;
    parameters(node.parameters, pointerTo(pointer, "parameters"));
    for (const method of HTTP_METHODS) {
      const operation = node[method];
      if (!isObject(operation)) continue;
      const operationPointer = pointerTo(pointer, method);
      parameters(operation.parameters, pointerTo(operationPointer, "parameters"));
      requestBody(operation.requestBody, pointerTo(operationPointer, "requestBody"));
      for (const [status, item] of entries(operation.responses)) {
        response(item, pointerTo(pointerTo(operationPointer, "responses"), status));
      }
      callbacks(operation.callbacks, pointerTo(operationPointer, "callbacks"));
    }
  };

  // Schema-level examples: the `examples` array and the deprecated `example`, then every subschema.
  const schema = (node: unknown, pointer: string): void => {
    if (!isObject(node)) return;
    if (Array.isArray(node.examples)) {
      for (const [i, value] of node.examples.entries()) {
        cases.push({
          pointer: pointerTo(pointerTo(pointer, "examples"), i),
          schemaPointer: pointer,
          kind: "schema",
          value,
        });
      }
    }
    if ("example" in node) {
      cases.push({
        pointer: pointerTo(pointer, "example"),
        schemaPointer: pointer,
        kind: "schema",
        value: node.example,
      });
    }
    for (const keyword of SUBSCHEMA_MAPS) {
      for (const [name, sub] of entries(node[keyword])) {
        schema(sub, pointerTo(pointerTo(pointer, keyword), name));
      }
    }
    for (const keyword of SUBSCHEMA_LISTS) {
      const list = node[keyword];
      if (!Array.isArray(list)) continue;
      for (const [i, sub] of list.entries()) schema(sub, pointerTo(pointerTo(pointer, keyword), i));
    }
    for (const keyword of SUBSCHEMAS) schema(node[keyword], pointerTo(pointer, keyword));
  };

  for (const [path, item] of entries(doc.paths)) pathItem(item, pointerTo("/paths", path));
  for (const [name, item] of entries(doc.webhooks)) pathItem(item, pointerTo("/webhooks", name));
  const components = isObject(doc.components) ? doc.components : {};
  for (const [name, item] of entries(components.schemas)) {
    schema(item, pointerTo("/components/schemas", name));
  }
  for (const [name, item] of entries(components.parameters)) {
    parameter(item, pointerTo("/components/parameters", name), "parameter");
  }
  headers(components.headers, "/components/headers");
  for (const [name, item] of entries(components.responses)) {
    response(item, pointerTo("/components/responses", name));
  }
  for (const [name, item] of entries(components.requestBodies)) {
    requestBody(item, pointerTo("/components/requestBodies", name));
  }
  callbacks(components.callbacks, "/components/callbacks");
  for (const [name, item] of entries(components.pathItems)) {
    pathItem(item, pointerTo("/components/pathItems", name));
  }
  return cases;
}

/** Validates a value against the schema at a JSON pointer of the document, `$ref`s resolved by Ajv. */
export function valueValidator(doc: OpenApiDocument): ValueValidator {
  // strict: false lets Ajv ignore OpenAPI-only keywords (example, discriminator, x-*); allErrors reports every finding.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports, whose `default` is the plugin.
  ajvFormats.default(ajv);
  ajv.addSchema(doc, DOCUMENT_ID);
  return (schemaPointer, value) => {
    const fragment = schemaPointer.split("/").map(encodeURIComponent).join("/");
    const validate = ajv.getSchema(`${DOCUMENT_ID}#${fragment}`);
    if (!validate) return [`no schema at ${schemaPointer}`];
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${error.instancePath || "/"} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`,
    );
  };
}

/** Every example of the document with Ajv's findings; the one entry point both tests use. */
export function checkExamples(doc: OpenApiDocument): ExampleResult[] {
  const validate = valueValidator(doc);
  return collectExamples(doc).map((example) => ({
    ...example,
    errors: validate(example.schemaPointer, example.value),
  }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function entries(value: unknown): [string, unknown][] {
  return isObject(value) ? Object.entries(value) : [];
}
