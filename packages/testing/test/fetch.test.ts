import { describe, expect, it } from "vitest";
import {
  apiError,
  createObservedFetch,
  cutOffBody,
  hang,
  inOrder,
  json,
  networkError,
  rejectionOf,
  stalledBody,
  text,
} from "../src/index.js";

describe("createObservedFetch", () => {
  it("records each Request and answers from the handler, in order", async () => {
    const observed = createObservedFetch(
      inOrder(
        () => apiError(503, 1),
        () => json([1]),
      ),
    );
    const first = await observed.fetch("http://api.test/a", { headers: { x: "1" } });
    const second = await observed.fetch(new Request("http://api.test/b"));
    const third = await observed.fetch("http://api.test/c");
    expect([first.status, first.statusText, second.status, third.status]).toEqual([
      503,
      "Service Unavailable",
      200,
      200,
    ]);
    expect(await first.json()).toMatchObject({ code: 1, errorId: expect.any(String) });
    expect(await third.json()).toEqual([1]);
    expect(observed.requests.map((r) => r.url)).toEqual([
      "http://api.test/a",
      "http://api.test/b",
      "http://api.test/c",
    ]);
    expect(observed.requests[0]?.headers.get("x")).toBe("1");
  });

  it("received(n) resolves on the n-th request's arrival", async () => {
    const observed = createObservedFetch(hang);
    const arrival = observed.received(1);
    const controller = new AbortController();
    const calls = [0, 1].map(() => observed.fetch("http://api.test/", { signal: controller.signal }));
    expect((await arrival).url).toBe("http://api.test/");
    controller.abort(new Error("done"));
    for (const call of calls) expect(((await rejectionOf(call)) as Error).message).toBe("done");
  });

  it("aborts as fetch does: before the headers the call rejects, after them the body errors", async () => {
    const observed = createObservedFetch(() => stalledBody("[1,"));
    const controller = new AbortController();
    const response = await observed.fetch("http://api.test/", { signal: controller.signal });
    const body = response.text();
    controller.abort(new Error("caller gave up"));
    expect(((await rejectionOf(body)) as Error).message).toBe("caller gave up");
    const already = AbortSignal.abort(new Error("before"));
    expect(
      ((await rejectionOf(observed.fetch("http://api.test/", { signal: already }))) as Error).message,
    ).toBe("before");
  });

  it("network failures look like undici's", async () => {
    const observed = createObservedFetch(
      inOrder(
        () => networkError("ECONNREFUSED"),
        () => cutOffBody("["),
      ),
    );
    const refused = (await rejectionOf(observed.fetch("http://api.test/"))) as TypeError;
    expect([refused.name, refused.message, (refused.cause as { code: string }).code]).toEqual([
      "TypeError",
      "fetch failed",
      "ECONNREFUSED",
    ]);
    const response = await observed.fetch("http://api.test/");
    expect(((await rejectionOf(response.text())) as Error).message).toBe("terminated");
  });

  it("text() sends a Content-Length, as a server with a fixed answer does", () => {
    expect(text("héllo").headers.get("content-length")).toBe("6");
    expect(text("", 503).headers.get("content-length")).toBe("0");
  });
});
