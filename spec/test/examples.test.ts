import { describe, expect, it } from "vitest";
import { checkExamples, loadSpec, nodeAt, valueValidator } from "../src/validate.js";

const spec = loadSpec();
const results = checkExamples(spec);

describe("every example in workflows.openapi.yaml matches its schema", () => {
  it("finds examples of every kind", () => {
    expect(new Set(results.map((result) => result.kind))).toEqual(
      new Set(["media type", "parameter", "header", "schema"]),
    );
    // 9 media-type, 8 parameter, 1 header and 2 schema examples today; fewer means the walk lost some.
    expect(results.length).toBeGreaterThanOrEqual(20);
  });

  it.each(results.map((result) => [result.pointer, result.errors] as const))("%s", (_pointer, errors) => {
    expect(errors).toEqual([]);
  });
});

describe("Timestamp", () => {
  const validate = valueValidator(spec);

  it("accepts 7 fractional digits, through both the pattern and ajv-formats' date-time", () => {
    expect(validate("/components/schemas/Timestamp", "2021-06-30T03:20:39.3857479Z")).toEqual([]);
    expect(validate("/components/schemas/Timestamp", "2021-06-30T03:20:39.3857479+02:00")).toEqual([]);
  });

  it("rejects an impossible date that the pattern alone lets through", () => {
    expect(validate("/components/schemas/Timestamp", "2021-02-30T03:20:39.3857479Z")).toEqual([
      expect.stringMatching(/^\/ must match format "date-time"/),
    ]);
  });
});

describe("the checker bites", () => {
  const find = (suffix: string): string => {
    const found = results.find((result) => result.pointer.endsWith(suffix));
    if (!found) throw new Error(`no example ending in ${suffix}`);
    return found.pointer;
  };
  const twoInstances = find("/examples/twoInstances/value");
  const runningInstance = find("/examples/runningInstance/value");
  const retryAfter = find("/headers/Retry-After/example");
  const startTimeTo = "/components/parameters/startTimeTo/example";
  const timestampExample = "/components/schemas/Timestamp/examples/0";

  it("reports each broken example by its pointer, and nothing else", () => {
    const broken = structuredClone(spec);
    const parentOf = (pointer: string): [object, string] => {
      const slash = pointer.lastIndexOf("/");
      const parent = nodeAt(broken, pointer.slice(0, slash));
      if (typeof parent !== "object" || parent === null) throw new Error(`no parent for ${pointer}`);
      return [parent, pointer.slice(slash + 1)];
    };
    const set = (pointer: string, value: unknown): boolean => Reflect.set(...parentOf(pointer), value);
    set(`${twoInstances}/0/status`, "Done");
    Reflect.deleteProperty(...parentOf(`${twoInstances}/1/workflowId`));
    set(`${runningInstance}/0/workflowId`, "60dbe307fe55d99fc083db70a");
    set(retryAfter, -1);
    set(startTimeTo, "2021-02-30T00:00:00Z");
    set(timestampExample, "2021-06-30T03:20:39.38574791Z");

    const failures = Object.fromEntries(
      checkExamples(broken)
        .filter((result) => result.errors.length > 0)
        .map((result) => [result.pointer, result.errors]),
    );
    expect(failures).toEqual({
      [twoInstances]: [
        expect.stringMatching(/^\/0\/status must be equal to one of the allowed values/),
        expect.stringMatching(/^\/1 must have required property 'workflowId'/),
      ],
      [runningInstance]: [
        expect.stringMatching(/^\/0\/workflowId must match pattern "\^\[0-9a-f\]\{24\}\$"/),
      ],
      [retryAfter]: [expect.stringMatching(/^\/ must be >= 0/)],
      // The pattern allows 30 February; only ajv-formats' date-time catches it.
      [startTimeTo]: [expect.stringMatching(/^\/ must match format "date-time"/)],
      // date-time allows any number of fractional digits; the pattern caps them at 7.
      [timestampExample]: [expect.stringMatching(/^\/ must match pattern/)],
    });
  });
});
