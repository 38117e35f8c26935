// The client-impact rules, table-driven over mutations of the real spec. Every case is checked
// in both directions: the mutation itself (old spec → mutated) and its undo (mutated → old),
// and the whole list of changes must match, so a rule that fires too often fails as well.
import { loadSpec } from "@workflows-kit/spec";
import { describe, expect, it } from "vitest";
import { diffSpecs, type SpecChange } from "../src/classify.js";

type Dict = Record<string, unknown>;

const original = loadSpec() as Dict;

const OP = "GET /api/v1/accounts/{accountId}/definitions/{definitionId}/workflows";
const BODY_200 = "response 200 (application/json) body";

/** The object at a dotted path, failing loudly when the spec no longer has it. */
function at(doc: Dict, dotted: string): Dict {
  let current: unknown = doc;
  for (const key of dotted.split(".")) {
    current = (current as Dict)[key];
    if (typeof current !== "object" || current === null)
      throw new Error(`the spec has no ${dotted} (at ${key})`);
  }
  return current as Dict;
}
const operation = (doc: Dict) =>
  at(doc, "paths./api/v1/accounts/{accountId}/definitions/{definitionId}/workflows.get");
const schemas = (doc: Dict) => at(doc, "components.schemas");
const params = (doc: Dict) => at(doc, "components.parameters");
const instance = (doc: Dict) => at(doc, "components.schemas.WorkflowInstance");
const STATUSES = ["Runnable", "Suspended", "Complete", "Terminated"];

function mutate(fn: (doc: Dict) => void): Dict {
  const doc = structuredClone(original);
  fn(doc);
  return doc;
}

type Expected = [kind: string, breaking: boolean, location: string];
const summary = (changes: SpecChange[]): Expected[] => changes.map((c) => [c.kind, c.breaking, c.location]);

interface Case {
  name: string;
  mutation: (doc: Dict) => void;
  forward: Expected[];
  /** the same mutation undone */
  reverse: Expected[];
}

const B = true;
const NB = false;

const cases: Case[] = [
  {
    name: "enum value added to a request parameter only",
    mutation: (doc) => {
      at(params(doc), "status").schema = { type: "string", enum: [...STATUSES, "Cancelled"] };
    },
    forward: [["enum-value-added", NB, "query parameter status"]],
    reverse: [["enum-value-removed", B, "query parameter status"]],
  },
  {
    name: "enum value added to a response field only",
    mutation: (doc) => {
      at(instance(doc), "properties").status = { type: "string", enum: [...STATUSES, "Cancelled"] };
    },
    forward: [["enum-value-added", B, `${BODY_200}[].status`]],
    reverse: [["enum-value-removed", NB, `${BODY_200}[].status`]],
  },
  {
    name: "enum value added to the shared WorkflowStatus: judged once per use",
    mutation: (doc) => {
      at(schemas(doc), "WorkflowStatus").enum = [...STATUSES, "Cancelled"];
    },
    forward: [
      ["enum-value-added", NB, "query parameter status"],
      ["enum-value-added", B, `${BODY_200}[].status`],
    ],
    reverse: [
      ["enum-value-removed", B, "query parameter status"],
      ["enum-value-removed", NB, `${BODY_200}[].status`],
    ],
  },
  {
    name: "limit maximum 500 → 100 (and back)",
    mutation: (doc) => {
      at(params(doc), "limit.schema").maximum = 100;
    },
    forward: [["constraint-tightened", B, "query parameter limit"]],
    reverse: [["constraint-relaxed", NB, "query parameter limit"]],
  },
  {
    name: "limit maximum 500 → 1000 (and back)",
    mutation: (doc) => {
      at(params(doc), "limit.schema").maximum = 1000;
    },
    forward: [["constraint-relaxed", NB, "query parameter limit"]],
    reverse: [["constraint-tightened", B, "query parameter limit"]],
  },
  {
    name: "higher minimum on a request parameter",
    mutation: (doc) => {
      at(params(doc), "version.schema").minimum = 2;
    },
    forward: [["constraint-tightened", B, "query parameter version"]],
    reverse: [["constraint-relaxed", NB, "query parameter version"]],
  },
  {
    name: "new pattern on a request parameter",
    mutation: (doc) => {
      at(params(doc), "accountId.schema").pattern = "^[a-z_]+$";
    },
    forward: [["constraint-tightened", B, "path parameter accountId"]],
    reverse: [["constraint-relaxed", NB, "path parameter accountId"]],
  },
  {
    name: "pattern dropped from the shared DefinitionId: relaxed request, widened response",
    mutation: (doc) => {
      delete at(schemas(doc), "DefinitionId").pattern;
    },
    forward: [
      ["constraint-relaxed", NB, "path parameter definitionId"],
      ["constraint-relaxed", B, `${BODY_200}[].definitionId`],
    ],
    reverse: [
      ["constraint-tightened", B, "path parameter definitionId"],
      ["constraint-tightened", NB, `${BODY_200}[].definitionId`],
    ],
  },
  {
    name: "response constraint tightened (Retry-After minimum 0 → 1)",
    mutation: (doc) => {
      at(operation(doc), "responses.429.headers.Retry-After.schema").minimum = 1;
    },
    forward: [["constraint-tightened", NB, "response 429 header retry-after"]],
    reverse: [["constraint-relaxed", B, "response 429 header retry-after"]],
  },
  {
    name: "new optional query parameter",
    mutation: (doc) => {
      (operation(doc).parameters as unknown[]).push({
        name: "sort",
        in: "query",
        schema: { type: "string" },
      });
    },
    forward: [["parameter-added", NB, "query parameter sort"]],
    reverse: [["parameter-removed", B, "query parameter sort"]],
  },
  {
    name: "new required query parameter",
    mutation: (doc) => {
      (operation(doc).parameters as unknown[]).push({
        name: "region",
        in: "query",
        required: true,
        schema: { type: "string" },
      });
    },
    forward: [["parameter-added", B, "query parameter region"]],
    reverse: [["parameter-removed", B, "query parameter region"]],
  },
  {
    name: "optional parameter made required",
    mutation: (doc) => {
      at(params(doc), "limit").required = true;
    },
    forward: [["parameter-required", B, "query parameter limit"]],
    reverse: [["parameter-optional", NB, "query parameter limit"]],
  },
  {
    name: "query parameter renamed",
    mutation: (doc) => {
      at(params(doc), "version").name = "definitionVersion";
    },
    forward: [["parameter-renamed", B, "query parameter version"]],
    reverse: [["parameter-renamed", B, "query parameter definitionVersion"]],
  },
  {
    name: "request parameter type integer → number (widened)",
    mutation: (doc) => {
      at(params(doc), "version.schema").type = "number";
    },
    forward: [["type-changed", NB, "query parameter version"]],
    reverse: [["type-changed", B, "query parameter version"]],
  },
  {
    name: "response field type integer → string",
    mutation: (doc) => {
      at(instance(doc), "properties.version").type = "string";
    },
    forward: [["type-changed", B, `${BODY_200}[].version`]],
    reverse: [["type-changed", B, `${BODY_200}[].version`]],
  },
  {
    name: "404 removed",
    mutation: (doc) => {
      delete at(operation(doc), "responses")["404"];
    },
    forward: [["status-removed", B, "response 404"]],
    reverse: [["status-added", NB, "response 404"]],
  },
  {
    name: "409 documented",
    mutation: (doc) => {
      at(operation(doc), "responses")["409"] = {
        description: "Conflict.",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    },
    forward: [["status-added", NB, "response 409"]],
    reverse: [["status-removed", B, "response 409"]],
  },
  {
    name: "WorkflowInstance field renamed (startedAt → startTime)",
    mutation: (doc) => {
      const wi = instance(doc);
      const props = at(wi, "properties");
      props.startTime = props.startedAt;
      delete props.startedAt;
      wi.required = (wi.required as string[]).map((n) => (n === "startedAt" ? "startTime" : n));
    },
    forward: [["field-renamed", B, `${BODY_200}[].startedAt`]],
    reverse: [["field-renamed", B, `${BODY_200}[].startTime`]],
  },
  {
    name: "new optional response field",
    mutation: (doc) => {
      at(instance(doc), "properties").definitionName = { type: "string" };
    },
    forward: [["field-added", NB, `${BODY_200}[].definitionName`]],
    reverse: [["field-removed", B, `${BODY_200}[].definitionName`]],
  },
  {
    name: "response field no longer required (may be absent)",
    mutation: (doc) => {
      const wi = instance(doc);
      wi.required = (wi.required as string[]).filter((n) => n !== "completedAt");
    },
    forward: [["field-optional", B, `${BODY_200}[].completedAt`]],
    reverse: [["field-required", NB, `${BODY_200}[].completedAt`]],
  },
  {
    // Decision: a response that can no longer be null is a narrower response. Every value a
    // client can now receive it already handled; code that checks for null still compiles.
    name: "completedAt no longer nullable on the response",
    mutation: (doc) => {
      at(instance(doc), "properties").completedAt = {
        $ref: "#/components/schemas/Timestamp",
        description: "When the workflow completed.",
      };
    },
    forward: [["nullable-removed", NB, `${BODY_200}[].completedAt`]],
    reverse: [["nullable-added", B, `${BODY_200}[].completedAt`]],
  },
  {
    name: "a field of the shared Error made optional: once per status that uses it",
    mutation: (doc) => {
      const error = at(schemas(doc), "Error");
      error.required = (error.required as string[]).filter((n) => n !== "errorId");
    },
    forward: ["400", "401", "403", "404", "429", "500", "502", "503", "504", "5XX"].map(
      (s): Expected => ["field-optional", B, `response ${s} (application/json) body.errorId`],
    ),
    reverse: ["400", "401", "403", "404", "429", "500", "502", "503", "504", "5XX"].map(
      (s): Expected => ["field-required", NB, `response ${s} (application/json) body.errorId`],
    ),
  },
  {
    name: "Retry-After header removed",
    mutation: (doc) => {
      delete at(operation(doc), "responses.429").headers;
    },
    forward: [["header-removed", B, "response 429 header retry-after"]],
    reverse: [["header-added", NB, "response 429 header retry-after"]],
  },
  {
    name: "operation removed",
    mutation: (doc) => {
      delete at(doc, "paths")["/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows"];
    },
    forward: [["operation-removed", B, ""]],
    reverse: [["operation-added", NB, ""]],
  },
  {
    name: "operationId renamed",
    mutation: (doc) => {
      operation(doc).operationId = "getWorkflows";
    },
    forward: [["operation-id-changed", B, "operationId"]],
    reverse: [["operation-id-changed", B, "operationId"]],
  },
  {
    name: "x-offset-unit pages → items (the client reads it)",
    mutation: (doc) => {
      at(params(doc), "offset")["x-offset-unit"] = "items";
    },
    forward: [["extension-changed", B, "query parameter offset"]],
    reverse: [["extension-changed", B, "query parameter offset"]],
  },
  {
    name: "default page size changed",
    mutation: (doc) => {
      at(params(doc), "limit.schema").default = 50;
    },
    forward: [["default-changed", B, "query parameter limit"]],
    reverse: [["default-changed", B, "query parameter limit"]],
  },
  {
    name: "path template parameter renamed in the path only is the same operation",
    mutation: (doc) => {
      const paths = at(doc, "paths");
      paths["/api/v1/accounts/{account}/definitions/{definitionId}/workflows"] =
        paths["/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows"];
      delete paths["/api/v1/accounts/{accountId}/definitions/{definitionId}/workflows"];
    },
    forward: [],
    reverse: [],
  },
  {
    name: "descriptions, summaries and examples only",
    mutation: (doc) => {
      operation(doc).description = "Rewritten.";
      at(params(doc), "limit").description = "Page size.";
      at(params(doc), "limit").example = 20;
      at(schemas(doc), "Timestamp").examples = ["2024-01-01T00:00:00Z"];
      at(instance(doc), "properties.version").description = "The version.";
    },
    forward: [],
    reverse: [],
  },
  {
    name: "security: the operation made public",
    mutation: (doc) => {
      operation(doc).security = [];
    },
    forward: [
      ["security-added", NB, "security (none)"],
      ["security-removed", NB, "security bearerAuth"],
    ],
    reverse: [
      ["security-removed", B, "security (none)"],
      ["security-added", NB, "security bearerAuth"],
    ],
  },
  {
    name: "security scheme kept its name, bearer → basic",
    mutation: (doc) => {
      at(doc, "components.securitySchemes.bearerAuth").scheme = "basic";
    },
    forward: [["security-scheme-changed", B, "security scheme bearerAuth"]],
    reverse: [["security-scheme-changed", B, "security scheme bearerAuth"]],
  },
  {
    name: "security scheme kept its name, now an API key header",
    mutation: (doc) => {
      at(doc, "components.securitySchemes").bearerAuth = { type: "apiKey", in: "header", name: "X-API-Key" };
    },
    forward: [["security-scheme-changed", B, "security scheme bearerAuth"]],
    reverse: [["security-scheme-changed", B, "security scheme bearerAuth"]],
  },
  {
    name: "security scheme: bearerFormat documented; the scheme name's case and descriptions do not count",
    mutation: (doc) => {
      const scheme = at(doc, "components.securitySchemes.bearerAuth");
      scheme.bearerFormat = "opaque";
      scheme.scheme = "Bearer";
      scheme.description = "another description";
    },
    forward: [["security-scheme-changed", B, "security scheme bearerAuth"]],
    reverse: [["security-scheme-changed", B, "security scheme bearerAuth"]],
  },
  {
    name: "servers: the first URL (the client's default base URL) changed",
    mutation: (doc) => {
      doc.servers = [{ url: "https://automation.eu.8x8.com" }];
    },
    forward: [["server-default-changed", B, "servers (default base URL)"]],
    reverse: [["server-default-changed", B, "servers (default base URL)"]],
  },
  {
    name: "servers: a second server added (and removed again)",
    mutation: (doc) => {
      doc.servers = [...(doc.servers as Dict[]), { url: "https://automation.eu.8x8.com" }];
    },
    forward: [["server-added", NB, "server https://automation.eu.8x8.com"]],
    reverse: [["server-removed", B, "server https://automation.eu.8x8.com"]],
  },
  {
    name: "servers: reordered, so the default changed, nothing added or removed",
    mutation: (doc) => {
      doc.servers = [{ url: "https://automation.eu.8x8.com" }, ...(doc.servers as Dict[])];
    },
    forward: [["server-default-changed", B, "servers (default base URL)"]],
    reverse: [["server-default-changed", B, "servers (default base URL)"]],
  },
  {
    name: "servers: removed altogether (the default becomes /)",
    mutation: (doc) => {
      delete doc.servers;
    },
    forward: [["server-default-changed", B, "servers (default base URL)"]],
    reverse: [["server-default-changed", B, "servers (default base URL)"]],
  },
  {
    name: "servers: the same URL written with a variable and its default",
    mutation: (doc) => {
      doc.servers = [{ url: "https://{host}", variables: { host: { default: "automation.8x8.com" } } }];
    },
    forward: [],
    reverse: [],
  },
];

describe("diffSpecs on the real spec", () => {
  it("finds no change between the spec and itself", () => {
    expect(diffSpecs(original, structuredClone(original))).toEqual([]);
  });

  it.each(cases)("$name", ({ mutation, forward, reverse }) => {
    const mutated = mutate(mutation);
    expect(summary(diffSpecs(original, mutated))).toEqual(forward);
    expect(summary(diffSpecs(mutated, original))).toEqual(reverse);
  });

  it("names the operation, the path and the reason", () => {
    const [change] = diffSpecs(
      original,
      mutate((doc) => {
        at(params(doc), "limit.schema").maximum = 100;
      }),
    );
    expect(change).toMatchObject({
      operation: OP,
      path: `${OP} › query parameter limit`,
      before: 500,
      after: 100,
    });
    expect(change?.why).toMatch(/^maximum 500 → 100: requests that were valid may now be rejected/);
  });

  it("joins the field changes of one security scheme into one change", () => {
    const [change, ...more] = diffSpecs(
      original,
      mutate((doc) => {
        at(doc, "components.securitySchemes").bearerAuth = {
          type: "apiKey",
          in: "header",
          name: "X-API-Key",
        };
      }),
    );
    expect(more).toEqual([]);
    expect(change?.why).toBe(
      "type http → apiKey, scheme bearer → (none), in (none) → header, name (none) → X-API-Key: clients send their credentials the old way",
    );
  });

  it("explains an enum widened on a response with the exhaustive switch", () => {
    const changes = diffSpecs(
      original,
      mutate((doc) => {
        at(schemas(doc), "WorkflowStatus").enum = [...STATUSES, "Cancelled"];
      }),
    );
    expect(changes.find((c) => c.breaking)?.why).toMatch(/"Cancelled" added: .*exhaustive switch/);
  });
});

// Request bodies: the spec has none (one GET), so a small document of its own.
function withBody(properties: Dict, required: string[], response: Dict = { type: "object" }): Dict {
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/items": {
        post: {
          operationId: "createItem",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { type: "object", properties, required } } },
          },
          responses: { "201": { description: "ok", content: { "application/json": { schema: response } } } },
        },
      },
    },
  };
}

describe("diffSpecs on request bodies", () => {
  const base = withBody({ name: { type: "string", maxLength: 50 } }, ["name"]);
  const table: [string, Dict, Expected[]][] = [
    [
      "new optional field",
      withBody({ name: { type: "string", maxLength: 50 }, note: { type: "string" } }, ["name"]),
      [["field-added", NB, "request body (application/json) body.note"]],
    ],
    [
      "new required field",
      withBody({ name: { type: "string", maxLength: 50 }, owner: { type: "string" } }, ["name", "owner"]),
      [["field-added", B, "request body (application/json) body.owner"]],
    ],
    [
      "field no longer required",
      withBody({ name: { type: "string", maxLength: 50 } }, []),
      [["field-optional", NB, "request body (application/json) body.name"]],
    ],
    ["field removed", withBody({}, []), [["field-removed", B, "request body (application/json) body.name"]]],
    [
      "lower maxLength",
      withBody({ name: { type: "string", maxLength: 20 } }, ["name"]),
      [["constraint-tightened", B, "request body (application/json) body.name"]],
    ],
    [
      "closed object",
      (() => {
        const doc = withBody({ name: { type: "string", maxLength: 50 } }, ["name"]);
        at(doc, "paths./items.post.requestBody.content.application/json.schema").additionalProperties = false;
        return doc;
      })(),
      [["constraint-tightened", B, "request body (application/json) body"]],
    ],
  ];

  it.each(table)("%s", (_name, next, expected) => {
    expect(summary(diffSpecs(base, next))).toEqual(expected);
  });

  it("rejects what it cannot read", () => {
    expect(() => diffSpecs({ swagger: "2.0" }, base)).toThrow(/only OpenAPI 3/);
    expect(() => diffSpecs(base, withBody({ name: { $ref: "other.yaml#/Name" } }, ["name"]))).toThrow(
      /only local \$refs/,
    );
  });

  it("survives recursive schemas", () => {
    const tree = (max: number) => ({
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {
        "/tree": {
          get: {
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          Node: {
            type: "object",
            properties: {
              name: { type: "string", maxLength: max },
              children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
            },
          },
        },
      },
    });
    expect(summary(diffSpecs(tree(10), tree(20)))).toEqual([
      ["constraint-relaxed", B, "response 200 (application/json) body.name"],
    ]);
  });
});
