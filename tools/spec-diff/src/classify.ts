// The client-impact rules. microdiff finds *what* changed between the two client views
// (normalize.ts); this file decides, for each change, whether a client written against the old
// spec can break against the new one.
//
// The one idea behind the schema rules: a request schema is the set of values the server
// accepts, a response schema the set of values a client must handle. A change narrows that
// set, widens it, or does neither ("changed", e.g. a different pattern):
//
//                 narrowed         widened          changed
//   request       BREAKING         non-breaking     BREAKING
//   response      non-breaking     BREAKING         BREAKING
//
// Everything else (operations, parameters, status codes, headers, fields) has its own rule.

import microdiff, { type Difference } from "microdiff";
import { type Dict, isObject, type NormalizedSpec, normalizeSpec, stable } from "./normalize.js";

export interface SpecChange {
  /** `GET /api/v1/accounts/{accountId}/...` as written in the spec */
  operation: string;
  /** where in the operation: `query parameter limit`, `response 200 (application/json) body[].status` */
  location: string;
  /** `${operation} › ${location}` */
  path: string;
  /** stable identifier of the rule, e.g. `enum-value-added`, `constraint-tightened` */
  kind: string;
  breaking: boolean;
  why: string;
  before?: unknown;
  after?: unknown;
  /**
   * Breaking changes only, once consumers were checked: the pacts (consumer and interaction numbers)
   * that no longer hold against the base with this change applied; `[]` = no consumer pins it.
   */
  breaks?: ConsumerBreak[];
  /** why the consumers could not be checked for this change */
  unchecked?: string;
}

export interface ConsumerBreak {
  consumer: string;
  provider: string;
  /** the pact file, relative to the repository root */
  pact: string;
  /** 1-based positions in the pact file, as the contract matrix and the docs number them */
  interactions: { number: number; description: string }[];
}

export type Side = "request" | "response";
type Effect = "narrowed" | "widened" | "changed";

const CONSEQUENCE: Record<Side, Record<Effect, string>> = {
  request: {
    narrowed: "requests that were valid may now be rejected",
    widened: "every request that was valid still is",
    changed: "neither looser nor stricter: requests that were valid may now be rejected",
  },
  response: {
    narrowed: "every response is still one clients already handle",
    widened: "responses may now hold values clients were not written for",
    changed: "neither looser nor stricter: responses may now hold values clients were not written for",
  },
};

function isBreaking(side: Side, effect: Effect): boolean {
  return effect === "changed" || (side === "request" ? effect === "narrowed" : effect === "widened");
}

/** Parses both documents' objects (already YAML-parsed) and lists every client-visible change. */
export function diffSpecs(before: unknown, after: unknown): SpecChange[] {
  return diffSpecsDetailed(before, after).changes;
}

export interface DetailedDiff {
  changes: SpecChange[];
  /** the base's client view, which `sourcesOf` differences apply to */
  base: NormalizedSpec;
  /** operation key → path as written, the base's first, then the new document's */
  labels: Map<string, string>;
  /** the differences of the client views that make up one change (to apply it alone) */
  sourcesOf(change: SpecChange): Difference[];
}

export function diffSpecsDetailed(before: unknown, after: unknown): DetailedDiff {
  const old = normalizeSpec(before);
  const next = normalizeSpec(after);
  const labels = new Map([...next.labels, ...old.labels]);
  const collector = new Collector(labels);
  for (const difference of microdiff(old.view, next.view)) collector.add(difference);
  const changes = collector.finish();
  return { changes, base: old, labels, sourcesOf: (c) => collector.sources.get(c) ?? [] };
}

type Path = (string | number)[];

interface FieldEvent {
  event: "added" | "removed" | "required" | "optional";
  operation: string;
  parent: string;
  name: string;
  side: Side;
  schema?: unknown;
  source: Difference;
}

interface ParamEvent {
  event: "added" | "removed";
  operation: string;
  where: string;
  name: string;
  view: Dict;
  source: Difference;
}

class Collector {
  private readonly changes: SpecChange[] = [];
  private readonly fields: FieldEvent[] = [];
  private readonly params: ParamEvent[] = [];
  /** each change's differences; `push` takes the one being added unless told otherwise */
  readonly sources = new Map<SpecChange, Difference[]>();
  private current: Difference[] = [];

  constructor(private readonly labels: Map<string, string>) {}

  private push(
    operation: string,
    location: string,
    kind: string,
    breaking: boolean,
    why: string,
    values: { before?: unknown; after?: unknown } = {},
    sources: Difference[] = this.current,
  ): undefined {
    const change: SpecChange = {
      operation,
      location,
      path: location ? `${operation} › ${location}` : operation,
      kind,
      breaking,
      why,
    };
    if (values.before !== undefined) change.before = plain(values.before);
    if (values.after !== undefined) change.after = plain(values.after);
    this.changes.push(change);
    this.sources.set(change, sources);
  }

  add(d: Difference): undefined {
    this.current = [d];
    const path = d.path as Path;
    const key = String(path[1]);
    const op = this.labels.get(key) ?? key;
    const rest = path.slice(2);
    const [first] = rest;
    if (first === undefined) {
      if (d.type === "CREATE") this.push(op, "", "operation-added", false, "new operation");
      else this.push(op, "", "operation-removed", true, "operation removed: clients calling it get 404/405");
      return;
    }
    switch (first) {
      case "operationId":
        if (d.type === "CREATE")
          this.push(op, "operationId", "operation-id-added", false, "operationId added");
        else
          this.push(
            op,
            "operationId",
            "operation-id-changed",
            true,
            "operationId changed or removed: generated clients name the operation after it",
            values(d),
          );
        return;
      case "deprecated":
        this.push(op, "", "deprecated", false, d.type === "REMOVE" ? "no longer deprecated" : "deprecated");
        return;
      case "security":
        return this.security(d, op, rest);
      case "securitySchemes":
        return this.securityScheme(d, op, rest);
      case "servers":
        return this.server(d, op, rest);
      case "parameters":
        return this.parameter(d, op, rest);
      case "requestBody":
        return this.requestBody(d, op, rest);
      case "responses":
        return this.response(d, op, rest);
    }
    this.push(op, String(first), "changed", true, "not analysed: treated as breaking", values(d));
  }

  private security(d: Difference, op: string, rest: Path): undefined {
    const alternative = String(rest[1]);
    const location = `security ${alternative}`;
    if (d.type === "CREATE")
      this.push(op, location, "security-added", false, "a new way to authenticate; the old ones still work");
    else
      this.push(
        op,
        location,
        "security-removed",
        true,
        alternative === "(none)"
          ? "the operation now requires authentication"
          : "this way to authenticate is no longer accepted",
      );
  }

  /**
   * A scheme that kept its name but changed how credentials are sent (new or dropped schemes are
   * `security-*`). One change per scheme: its field changes are joined in `finish`.
   */
  private securityScheme(d: Difference, op: string, rest: Path): undefined {
    const [, name, field] = rest;
    if (field === undefined) return;
    const before = d.type === "CREATE" ? "(none)" : String(d.oldValue);
    const after = d.type === "REMOVE" ? "(none)" : String(d.value);
    this.push(
      op,
      `security scheme ${String(name)}`,
      "security-scheme-changed",
      true,
      `${String(field)} ${before} → ${after}`,
    );
  }

  /** The first server is the default base URL of generated clients (and ours). */
  private server(d: Difference, op: string, rest: Path): undefined {
    const [, which, url] = rest;
    if (which === "default")
      return this.push(
        op,
        "servers (default base URL)",
        "server-default-changed",
        true,
        "the first server changed: clients using the default base URL call another one",
        values(d),
      );
    if (url === undefined) return;
    if (d.type === "CREATE")
      this.push(op, `server ${String(url)}`, "server-added", false, "a new server clients may choose");
    else
      this.push(
        op,
        `server ${String(url)}`,
        "server-removed",
        true,
        "no longer listed: clients configured with this base URL lose it",
      );
  }

  /** `required` flipped on a parameter, a request body or a response header: one rule, three tables. */
  private required(
    d: Difference,
    op: string,
    location: string,
    rule: Record<"required" | "optional", [kind: string, breaking: boolean, why: string]>,
  ): undefined {
    if (d.type !== "CHANGE") return;
    const [kind, breaking, why] = rule[d.value === true ? "required" : "optional"];
    this.push(op, location, kind, breaking, why);
  }

  private parameter(d: Difference, op: string, rest: Path): undefined {
    const [where, name] = String(rest[1]).split(/:(.*)/s) as [string, string];
    const location = `${where} parameter ${name}`;
    const field = rest[2];
    if (field === undefined) {
      if (d.type === "CHANGE") return; // both sides are objects: never a whole-value change
      const view = (d.type === "CREATE" ? d.value : d.oldValue) as Dict;
      this.params.push({
        event: d.type === "CREATE" ? "added" : "removed",
        operation: op,
        where,
        name,
        view,
        source: d,
      });
      return;
    }
    if (field === "required")
      return this.required(d, op, location, {
        required: ["parameter-required", true, "newly required: requests without it are rejected"],
        optional: ["parameter-optional", false, "no longer required"],
      });
    if (field === "style" || field === "explode")
      return this.push(
        op,
        location,
        "parameter-serialization-changed",
        true,
        `${field} changed: the parameter is written differently on the wire`,
        values(d),
      );
    if (field === "deprecated")
      return this.push(
        op,
        location,
        "deprecated",
        false,
        d.type === "REMOVE" ? "no longer deprecated" : "deprecated",
      );
    if (typeof field === "string" && field.startsWith("x-")) return this.extension(d, op, location, field);
    if (field === "schema") return this.schema(d, op, "request", location, rest.slice(3));
    if (field === "content") return this.content(d, op, "request", location, rest.slice(3));
    this.push(
      op,
      location,
      "changed",
      true,
      `${String(field)} changed: not analysed, treated as breaking`,
      values(d),
    );
  }

  private requestBody(d: Difference, op: string, rest: Path): undefined {
    const location = "request body";
    const field = rest[1];
    if (field === undefined) {
      if (d.type === "CREATE") {
        const required = isObject(d.value) && d.value.required === true;
        this.push(
          op,
          location,
          "request-body-added",
          required,
          required
            ? "a required request body: requests without one are rejected"
            : "an optional request body",
        );
      } else if (d.type === "REMOVE")
        this.push(op, location, "request-body-removed", true, "the request body is no longer accepted");
      return;
    }
    if (field === "required")
      return this.required(d, op, location, {
        required: [
          "request-body-required",
          true,
          "the body is now required: requests without one are rejected",
        ],
        optional: ["request-body-optional", false, "the body is no longer required"],
      });
    if (field === "content") this.content(d, op, "request", location, rest.slice(2));
  }

  private response(d: Difference, op: string, rest: Path): undefined {
    const status = String(rest[1]);
    const location = `response ${status}`;
    const field = rest[2];
    if (field === undefined) {
      if (d.type === "CREATE")
        this.push(
          op,
          location,
          "status-added",
          false,
          "a newly documented status; clients handle unknown statuses generically",
        );
      else
        this.push(
          op,
          location,
          "status-removed",
          true,
          "status no longer documented: clients (and their error classes) built on it lose it",
        );
      return;
    }
    if (field === "content") return this.content(d, op, "response", location, rest.slice(3));
    if (field === "headers") {
      const header = String(rest[3]);
      const at = `${location} header ${header}`;
      const sub = rest[4];
      if (sub === undefined) {
        if (d.type === "CREATE") this.push(op, at, "header-added", false, "a new response header");
        else this.push(op, at, "header-removed", true, "the response header is no longer sent");
      } else if (sub === "required")
        this.required(d, op, at, {
          required: ["header-required", false, "the header is now always sent"],
          optional: ["header-optional", true, "the header may now be absent"],
        });
      else if (sub === "schema") this.schema(d, op, "response", at, rest.slice(5));
      else if (sub === "content") this.content(d, op, "response", at, rest.slice(5));
      else if (sub === "deprecated")
        this.push(op, at, "deprecated", false, d.type === "REMOVE" ? "no longer deprecated" : "deprecated");
    }
  }

  private content(d: Difference, op: string, side: Side, location: string, rest: Path): undefined {
    const mediaType = rest[0];
    if (mediaType === undefined) return;
    const at = `${location} (${String(mediaType)})`;
    if (rest.length === 1) {
      if (d.type === "CREATE")
        this.push(op, at, "media-type-added", false, `a new media type; the old ones still work`);
      else if (d.type === "REMOVE")
        this.push(
          op,
          at,
          "media-type-removed",
          true,
          side === "request"
            ? "requests in this media type are no longer accepted"
            : "responses no longer come in this media type",
        );
      return;
    }
    this.schema(d, op, side, `${at} body`, rest.slice(1));
  }

  private extension(d: Difference, op: string, location: string, name: string): undefined {
    if (d.type === "CREATE") this.push(op, location, "extension-added", false, `${name} added`, values(d));
    else
      this.push(
        op,
        location,
        "extension-changed",
        true,
        `${name} changed or removed: tools read extensions (the generator reads x-offset-unit), so it is treated as breaking`,
        values(d),
      );
  }

  /** A change inside a schema used on `side`, at `sp` (the path below the schema's root). */
  private schema(d: Difference, op: string, side: Side, root: string, sp: Path): undefined {
    let location = root;
    let flipped = false;
    let i = 0;
    for (; i < sp.length; ) {
      const seg = sp[i];
      const last = i === sp.length - 1;
      if (seg === "properties" && i + 2 < sp.length) {
        location += `.${String(sp[i + 1])}`;
        i += 2;
      } else if ((seg === "items" || seg === "additionalProperties" || seg === "not") && !last) {
        location += seg === "items" ? "[]" : seg === "not" ? " (not)" : ".*";
        if (seg === "not") flipped = !flipped;
        i += 1;
      } else if (
        (seg === "prefixItems" || seg === "allOf" || seg === "oneOf" || seg === "anyOf") &&
        i + 2 < sp.length
      ) {
        location += seg === "prefixItems" ? `[${String(sp[i + 1])}]` : ` (${seg}[${String(sp[i + 1])}])`;
        i += 2;
      } else break;
    }
    const keyword = sp[i] === undefined ? undefined : String(sp[i]);
    const sub = sp.slice(i + 1);
    const effect = (e: Effect): Effect =>
      !flipped || e === "changed" ? e : e === "narrowed" ? "widened" : "narrowed";
    const judge = (kind: string, e: Effect, detail: string, extra?: string) => {
      const eff = effect(e);
      const breaking = isBreaking(side, eff);
      return this.push(
        op,
        location,
        kind,
        breaking,
        `${detail}: ${extra && breaking ? extra : CONSEQUENCE[side][eff]}`,
        values(d),
      );
    };
    const constraint = (e: Effect, detail: string) =>
      judge(
        effect(e) === "changed"
          ? "constraint-changed"
          : effect(e) === "narrowed"
            ? "constraint-tightened"
            : "constraint-relaxed",
        e,
        detail,
      );

    if (keyword === undefined) {
      // A whole schema appeared (the value was unconstrained) or disappeared.
      if (d.type === "CREATE") return constraint("narrowed", "schema added");
      if (d.type === "REMOVE") return constraint("widened", "schema removed");
      return constraint("changed", "schema replaced");
    }
    if (flipped && (keyword === "properties" || keyword === "required")) {
      return judge("schema-changed", "changed", `${keyword} changed under "not"`);
    }
    switch (keyword) {
      case "properties":
      case "required": {
        const source = d.type === "REMOVE" ? d.oldValue : d.value;
        const entries: [string, unknown][] =
          sub.length > 0 ? [[String(sub[0]), source]] : isObject(source) ? Object.entries(source) : [];
        const event: FieldEvent["event"] =
          keyword === "properties"
            ? d.type === "CREATE"
              ? "added"
              : "removed"
            : d.type === "CREATE"
              ? "required"
              : "optional";
        for (const [name, schema] of entries)
          this.fields.push({ event, operation: op, parent: location, name, side, schema, source: d });
        return;
      }
      case "enum": {
        if (sub.length === 0) {
          if (d.type === "CREATE") return judge("enum-added", "narrowed", "values restricted to an enum");
          return judge("enum-removed", "widened", "enum removed: any value of the type is allowed");
        }
        const value = String(sub[0]);
        if (d.type === "CREATE")
          return judge(
            "enum-value-added",
            "widened",
            `enum value ${value} added`,
            "responses may carry a value a client's exhaustive switch does not handle",
          );
        return judge("enum-value-removed", "narrowed", `enum value ${value} removed`);
      }
      case "type":
        return this.type(d, judge);
      case "const":
        if (d.type === "CREATE") return constraint("narrowed", `const ${String(d.value)} added`);
        if (d.type === "REMOVE") return constraint("widened", "const removed");
        return constraint("changed", `const ${String(d.oldValue)} → ${String(d.value)}`);
      case "maximum":
      case "exclusiveMaximum":
      case "maxLength":
      case "maxItems":
      case "maxProperties":
        return constraint(bound(d, "upper"), describe(keyword, d));
      case "minimum":
      case "exclusiveMinimum":
      case "minLength":
      case "minItems":
      case "minProperties":
        return constraint(bound(d, "lower"), describe(keyword, d));
      case "multipleOf":
        return constraint(multipleOf(d), describe(keyword, d));
      case "pattern":
      case "format":
        return constraint(
          d.type === "CREATE" ? "narrowed" : d.type === "REMOVE" ? "widened" : "changed",
          describe(keyword, d),
        );
      case "uniqueItems":
        return constraint(
          d.type !== "REMOVE" && d.value === true ? "narrowed" : "widened",
          describe(keyword, d),
        );
      case "additionalProperties":
        if (sub.length > 0) return; // handled by the walk above (deeper change)
        return constraint(additional(d), "additionalProperties changed");
      case "items":
      case "not":
        if (d.type === "CREATE") return constraint("narrowed", `${keyword} added`);
        if (d.type === "REMOVE") return constraint("widened", `${keyword} removed`);
        return constraint("changed", `${keyword} changed`);
      case "allOf":
      case "prefixItems":
        if (d.type === "CREATE") return constraint("narrowed", `${keyword} entry added`);
        if (d.type === "REMOVE") return constraint("widened", `${keyword} entry removed`);
        return constraint("changed", `${keyword} changed`);
      case "oneOf":
      case "anyOf": {
        const whole = sub.length === 0;
        if (d.type === "CREATE")
          return whole
            ? constraint("narrowed", `${keyword} added`)
            : judge("variant-added", "widened", `${keyword} variant added`);
        if (d.type === "REMOVE")
          return whole
            ? constraint("widened", `${keyword} removed`)
            : judge("variant-removed", "narrowed", `${keyword} variant removed`);
        return constraint("changed", `${keyword} changed`);
      }
      case "default":
        if (side === "response")
          return this.push(op, location, "default-changed", false, "default on a response: an annotation");
        if (d.type === "CREATE")
          return this.push(op, location, "default-added", false, `default ${String(d.value)} documented`);
        return this.push(
          op,
          location,
          "default-changed",
          true,
          `default ${d.type === "REMOVE" ? `${String(d.oldValue)} removed` : `${String(d.oldValue)} → ${String(d.value)}`}: clients that omit the value get a different behaviour`,
          values(d),
        );
      case "deprecated":
        return this.push(
          op,
          location,
          "deprecated",
          false,
          d.type === "REMOVE" ? "no longer deprecated" : "deprecated",
        );
    }
    if (keyword.startsWith("x-")) return this.extension(d, op, location, keyword);
    judge("schema-changed", "changed", `${keyword} changed (not analysed)`);
  }

  private type(d: Difference, judge: (kind: string, e: Effect, detail: string) => undefined): undefined {
    if (d.type === "CREATE") return judge("type-changed", "narrowed", `type ${String(d.value)} added`);
    if (d.type === "REMOVE") return judge("type-changed", "widened", `type ${String(d.oldValue)} removed`);
    const old = new Set(String(d.oldValue).split("|"));
    const next = new Set(String(d.value).split("|"));
    const covers = (set: Set<string>, t: string) => set.has(t) || (t === "integer" && set.has("number"));
    const widened = [...old].every((t) => covers(next, t));
    const narrowed = [...next].every((t) => covers(old, t));
    const detail = `type ${String(d.oldValue)} → ${String(d.value)}`;
    const onlyNull = [...old, ...next].filter((t) => !(old.has(t) && next.has(t))).every((t) => t === "null");
    if (widened && onlyNull) return judge("nullable-added", "widened", "now nullable");
    if (narrowed && onlyNull) return judge("nullable-removed", "narrowed", "no longer nullable");
    judge("type-changed", widened ? "widened" : narrowed ? "narrowed" : "changed", detail);
  }

  /** Pairs removed + added fields/parameters into renames and folds `required` into them. */
  finish(): SpecChange[] {
    const groups = new Map<string, FieldEvent[]>();
    for (const f of this.fields) {
      const key = `${f.operation}\u0000${f.parent}\u0000${f.side}`;
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    for (const events of groups.values()) this.fieldGroup(events);

    const removedParams = this.params.filter((p) => p.event === "removed");
    const addedParams = this.params.filter((p) => p.event === "added");
    for (const removed of removedParams) {
      const location = `${removed.where} parameter ${removed.name}`;
      const index = addedParams.findIndex(
        (a) =>
          a.operation === removed.operation &&
          a.where === removed.where &&
          stable(a.view) === stable(removed.view),
      );
      const added = index >= 0 ? addedParams.splice(index, 1)[0] : undefined;
      this.current = added ? [removed.source, added.source] : [removed.source];
      if (added)
        this.push(
          removed.operation,
          location,
          "parameter-renamed",
          true,
          `renamed to ${added.name} (same definition): requests using the old name lose it`,
        );
      else
        this.push(
          removed.operation,
          location,
          "parameter-removed",
          true,
          "parameter removed: requests using it lose it",
        );
    }
    for (const added of addedParams) {
      const location = `${added.where} parameter ${added.name}`;
      this.current = [added.source];
      if (added.view.required === true)
        this.push(
          added.operation,
          location,
          "parameter-added",
          true,
          "new required parameter: requests without it are rejected",
        );
      else this.push(added.operation, location, "parameter-added", false, "new optional parameter");
    }

    // A reordering of servers is a new default, not a removed or added server.
    const defaults = this.changes.filter((c) => c.kind === "server-default-changed");
    const moved = (c: SpecChange) =>
      defaults.some(
        (d) =>
          d.operation === c.operation && [d.before, d.after].includes(c.location.replace(/^server /, "")),
      );
    this.changes.splice(
      0,
      this.changes.length,
      ...this.changes.filter(
        (c) => !((c.kind === "server-added" || c.kind === "server-removed") && moved(c)),
      ),
    );

    const schemes = new Map<string, SpecChange>();
    for (const c of this.changes.filter((c) => c.kind === "security-scheme-changed")) {
      const key = `${c.operation}\u0000${c.location}`;
      const first = schemes.get(key);
      if (!first) {
        schemes.set(key, c);
        continue;
      }
      first.why += `, ${c.why}`;
      this.sources.set(first, [...(this.sources.get(first) ?? []), ...(this.sources.get(c) ?? [])]);
      this.changes.splice(this.changes.indexOf(c), 1);
    }
    for (const c of schemes.values()) c.why += ": clients send their credentials the old way";

    // An operation that became public still accepts the credentials clients send.
    const nowPublic = new Set(
      this.changes
        .filter((c) => c.kind === "security-added" && c.location === "security (none)")
        .map((c) => c.operation),
    );
    for (const c of this.changes)
      if (c.kind === "security-removed" && nowPublic.has(c.operation)) {
        c.breaking = false;
        c.why = "no longer required: the operation is now public";
      }

    return this.changes.sort(
      (a, b) =>
        a.operation.localeCompare(b.operation) ||
        a.location.localeCompare(b.location) ||
        a.kind.localeCompare(b.kind),
    );
  }

  private fieldGroup(events: FieldEvent[]): undefined {
    const byEvent = (event: FieldEvent["event"]) =>
      new Map(events.filter((e) => e.event === event).map((e) => [e.name, e]));
    const added = byEvent("added");
    const removed = byEvent("removed");
    const required = byEvent("required");
    const optional = byEvent("optional");
    const first = events[0];
    if (!first) return;
    const { operation, parent, side } = first;
    const at = (name: string) => `${parent}.${name}`;
    // A change to a field is made of every event about it (removed + optional, added + required).
    const about = (...names: string[]) => {
      this.current = [...new Set(events.filter((e) => names.includes(e.name)).map((e) => e.source))];
    };

    for (const old of removed.values()) {
      const match = [...added.values()].find((a) => stable(a.schema) === stable(old.schema));
      about(old.name, ...(match ? [match.name] : []));
      if (match) {
        added.delete(match.name);
        required.delete(match.name);
        optional.delete(old.name);
        this.push(
          operation,
          at(old.name),
          "field-renamed",
          true,
          `renamed to ${match.name} (same schema): code reading or sending ${old.name} breaks`,
        );
      } else {
        optional.delete(old.name);
        this.push(
          operation,
          at(old.name),
          "field-removed",
          true,
          side === "response"
            ? "field removed: clients reading it get undefined"
            : "field removed: requests sending it break",
        );
      }
    }
    for (const a of added.values()) {
      about(a.name);
      const isRequired = required.delete(a.name);
      if (side === "request" && isRequired)
        this.push(
          operation,
          at(a.name),
          "field-added",
          true,
          "new required field: requests without it are rejected",
        );
      else
        this.push(
          operation,
          at(a.name),
          "field-added",
          false,
          isRequired ? "new field, always present" : "new optional field",
        );
    }
    for (const r of required.values()) {
      about(r.name);
      if (side === "request")
        this.push(
          operation,
          at(r.name),
          "field-required",
          true,
          "newly required: requests without it are rejected",
        );
      else this.push(operation, at(r.name), "field-required", false, "now always present");
    }
    for (const o of optional.values()) {
      about(o.name);
      if (side === "response")
        this.push(
          operation,
          at(o.name),
          "field-optional",
          true,
          "no longer required: clients must handle it being absent",
        );
      else this.push(operation, at(o.name), "field-optional", false, "no longer required");
    }
  }
}

function values(d: Difference): { before?: unknown; after?: unknown } {
  if (d.type === "CREATE") return { after: d.value };
  if (d.type === "REMOVE") return { before: d.oldValue };
  return { before: d.oldValue, after: d.value };
}

/** View values back to plain JSON for output (enum maps → arrays, JSON strings stay strings). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function describe(keyword: string, d: Difference): string {
  if (d.type === "CREATE") return `${keyword} ${String(d.value)} added`;
  if (d.type === "REMOVE") return `${keyword} ${String(d.oldValue)} removed`;
  return `${keyword} ${String(d.oldValue)} → ${String(d.value)}`;
}

/** An upper bound going down, or a lower bound going up, narrows. Booleans: OpenAPI 3.0 exclusive*. */
function bound(d: Difference, which: "upper" | "lower"): Effect {
  if (d.type === "CREATE") return "narrowed";
  if (d.type === "REMOVE") return "widened";
  const [a, b] = [d.oldValue, d.value];
  if (typeof a === "boolean" && typeof b === "boolean") return b ? "narrowed" : "widened";
  if (typeof a !== "number" || typeof b !== "number") return "changed";
  const lower = b < a;
  return (which === "upper") === lower ? "narrowed" : "widened";
}

function multipleOf(d: Difference): Effect {
  if (d.type === "CREATE") return "narrowed";
  if (d.type === "REMOVE") return "widened";
  const [a, b] = [Number(d.oldValue), Number(d.value)];
  if (Number.isInteger(b / a)) return "narrowed";
  if (Number.isInteger(a / b)) return "widened";
  return "changed";
}

/** `false` (closed) ⊂ a schema ⊂ absent (anything goes). */
function additional(d: Difference): Effect {
  const rank = (v: unknown) => (v === false ? 0 : v === undefined ? 2 : 1);
  const a = rank(d.type === "CREATE" ? undefined : d.oldValue);
  const b = rank(d.type === "REMOVE" ? undefined : d.value);
  return b < a ? "narrowed" : b > a ? "widened" : "changed";
}
