/**
 * Prism's `Prefer` request header, which picks the mocked response per request
 * (https://docs.stoplight.io/docs/prism/ → "Request-specific preferences").
 */
export interface PreferOptions {
  /** The status to answer with; it must be one the spec defines (5XX covers 500–599). */
  code?: number;
  /** The name of an example under the chosen response (e.g. `runningInstance`, `definitionNotFound`). */
  example?: string;
  /** Generate this response from the schema (true) or serve an example (false), whatever the server's mode. */
  dynamic?: boolean;
  /** Seed of this response's dynamic generation. */
  seed?: string | number;
}

/**
 * The `Prefer` header value, e.g. `prefer({ code: 404 })` → `code=404`. Send it per call:
 * `client.listWorkflowInstances(ids, { headers: { Prefer: prefer({ code: 404 }) } })`.
 */
export function prefer(options: PreferOptions): string {
  const parts: string[] = [];
  if (options.code !== undefined) {
    if (!Number.isInteger(options.code) || options.code < 100 || options.code > 599) {
      throw new RangeError(`code must be an HTTP status from 100 to 599 (got ${options.code})`);
    }
    parts.push(`code=${options.code}`);
  }
  if (options.example !== undefined) parts.push(`example=${token("example", options.example)}`);
  if (options.dynamic !== undefined) parts.push(`dynamic=${options.dynamic}`);
  if (options.seed !== undefined) parts.push(`seed=${token("seed", String(options.seed))}`);
  if (parts.length === 0) throw new TypeError("prefer() needs at least one of code, example, dynamic, seed");
  return parts.join(", ");
}

function token(name: string, value: string): string {
  // RFC 7240 allows quoted values, but Prism's parser keeps the quotes: only bare tokens round-trip.
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) {
    throw new TypeError(
      `${name} must be a bare HTTP token (letters, digits, -._~ and the like; got ${JSON.stringify(value)})`,
    );
  }
  return value;
}
