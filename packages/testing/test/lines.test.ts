// Lines without a process: chunks into lines, waits on lines printed before and after, and the
// two ways a wait ends without a match.
import { describe, expect, it } from "vitest";
import { jsonLine, Lines } from "../src/drills/process.js";

describe("Lines", () => {
  it("keeps complete lines across chunks; the text as received", () => {
    const lines = new Lines();
    lines.feed("one\ntw");
    expect(lines.lines).toEqual(["one"]);
    lines.feed("o\n\nthree");
    expect(lines.lines).toEqual(["one", "two"]);
    lines.end();
    expect(lines.lines).toEqual(["one", "two", "three"]);
    expect(lines.text).toBe("one\ntwo\n\nthree");
  });

  it("resolves with a line printed before the wait or after it, from an index on", async () => {
    const lines = new Lines();
    lines.feed("listening on http://127.0.0.1:4011\n");
    expect(await lines.waitFor(/listening on (\S+)/)).toEqual({
      index: 0,
      line: "listening on http://127.0.0.1:4011",
      groups: ["listening on http://127.0.0.1:4011", "http://127.0.0.1:4011"],
    });
    const next = lines.waitFor(/listening/, { from: 1 });
    lines.feed('{"event":"poll"}\nlistening again\n');
    expect((await next).index).toBe(2);
    expect((await lines.waitFor(jsonLine((l) => l.event === "poll"))).index).toBe(1);
    expect(() => lines.json()).toThrow(SyntaxError);
  });

  it("rejects when the output ends without the line, naming it and the lines so far", async () => {
    const lines = new Lines();
    const waiting = lines.waitFor(/ready/, { what: "the ready line" });
    lines.feed("starting\n");
    lines.end();
    await expect(waiting).rejects.toThrow(
      "the output ended without a line matching the ready line; lines so far:\nstarting",
    );
  });

  it("rejects after withinMs without the line", async () => {
    const lines = new Lines();
    await expect(lines.waitFor(/ready/, { withinMs: 1 })).rejects.toThrow(
      "no line matching /ready/ within 1 ms",
    );
  });

  it("feeds from a Writable (code run in-process); ending it ends the lines", async () => {
    const lines = new Lines();
    const writable = lines.writable();
    writable.write("a\nb");
    await new Promise<void>((resolve) => writable.end(resolve));
    expect(lines.lines).toEqual(["a", "b"]);
  });
});
