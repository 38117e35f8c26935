import { describe, expect, it } from "vitest";
import { formatTimestamp, generateDataset, generateInstances } from "../src/index.js";

describe("the generated data", () => {
  it("is the same demo data set from the same seed, another from another seed", () => {
    const sizes = [50, 20, 0];
    const [a, b] = [generateDataset(5, "acme", sizes), generateDataset(5, "acme", sizes)];
    expect(a).toEqual(b);
    expect(a.map((d) => d.instances.length)).toEqual(sizes);
    expect(generateDataset(6, "acme", sizes)[0]?.instances[0]).not.toEqual(a[0]?.instances[0]);
  });

  it("has 24-hex workflow ids, newest first, 2-7 fractional digits", () => {
    const instances = generateInstances({ seed: 2, count: 200 });
    for (const instance of instances) {
      expect(instance.workflowId).toMatch(/^[0-9a-f]{24}$/);
      expect(instance.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{2,7}Z$/);
    }
    const started = instances.map((i) => Date.parse(i.startedAt));
    expect(started).toEqual([...started].sort((x, y) => y - x));
  });

  it("formats 100 ns ticks like 8x8", () => {
    expect(formatTimestamp(Date.parse("2021-06-30T03:20:39.385Z"), 7, 7479)).toBe(
      "2021-06-30T03:20:39.3857479Z",
    );
    expect(formatTimestamp(Date.parse("2021-06-30T03:20:39.385Z"), 2)).toBe("2021-06-30T03:20:39.38Z");
  });
});
