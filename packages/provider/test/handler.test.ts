// The HTTP layer on plain objects: routes, methods, the bearer header, bodies and headers.
import { describe, expect, it, vi } from "vitest";
import { createProviderHandler, type ProviderRequest } from "../src/index.js";
import { accountId, emptyId, latest, makeStore, NOW_TIMESTAMP, path } from "./fixtures.js";

const auth = { authorization: "Bearer good-key" };
const get = (url: string, headers: ProviderRequest["headers"] = auth): ProviderRequest => ({
  method: "GET",
  url,
  headers,
});
const JSON_TYPE = { "content-type": "application/json" };
const errorBody = (code: number, message: string) =>
  JSON.stringify({ code, message, errorId: "error-1", timestamp: NOW_TIMESTAMP });

describe("createProviderHandler", () => {
  it.each([
    ["a path with its query", get(`${path()}?limit=3&offset=1`)],
    [
      "an absolute URL (the host is not looked at)",
      get(`http://elsewhere.example${path()}?limit=3&offset=1`),
    ],
    ["the scheme in any case", get(`${path()}?limit=3&offset=1`, { authorization: "bearer good-key" })],
    ["a header given as a list", get(`${path()}?limit=3&offset=1`, { authorization: ["Bearer good-key"] })],
  ])("answers a page as JSON: %s", (_, request) => {
    expect(createProviderHandler(makeStore())(request)).toEqual({
      status: 200,
      headers: JSON_TYPE,
      body: JSON.stringify(latest.slice(3, 6)),
    });
  });

  it("answers [] for a definition without instances", () => {
    expect(createProviderHandler(makeStore())(get(path(emptyId))).body).toBe("[]");
  });

  const errors: [string, ProviderRequest, number, number, string][] = [
    ["no Authorization header", get(path(), {}), 401, 1200, "Unauthorized."],
    ["no headers at all", { method: "GET", url: path() }, 401, 1200, "Unauthorized."],
    ["a Basic scheme", get(path(), { authorization: "Basic dXNlcjpwYXNz" }), 401, 1200, "Unauthorized."],
    ["a bearer scheme without a key", get(path(), { authorization: "Bearer " }), 401, 1200, "Unauthorized."],
    [
      "another path",
      get("/api/v1/accounts/acme/workflows"),
      404,
      1300,
      "No route for /api/v1/accounts/acme/workflows.",
    ],
    ["another method", { ...get(path()), method: "POST" }, 405, 1000, "Method POST is not allowed."],
    [
      "a bad parameter",
      get(`${path()}?limit=0`),
      400,
      1000,
      "Invalid limit: must be an integer from 1 to 500.",
    ],
    [
      "an unknown definition",
      get(path(emptyId.replace("2", "3"))),
      404,
      1300,
      `Definition ${emptyId.replace("2", "3")} not found.`,
    ],
  ];
  it.each(errors.map(([name, request, status, code, message]) => ({ name, request, status, code, message })))(
    "answers $name with $status / $code in the spec's error shape",
    ({ request, status, code, message }) => {
      expect(createProviderHandler(makeStore())(request)).toEqual({
        status,
        headers: JSON_TYPE,
        body: errorBody(code, message),
      });
    },
  );

  it("decodes percent-encoded path segments", () => {
    const store = makeStore();
    store.setDefinition({ definitionId: emptyId, accountId: "acme corp/eu?x#y", instances: [] });
    const handle = createProviderHandler(store);
    expect(handle(get(path(emptyId, encodeURIComponent("acme corp/eu?x#y"))))).toMatchObject({
      status: 200,
      body: "[]",
    });
    expect(handle(get(path(emptyId, accountId))).status).toBe(404);
  });

  it("sends Retry-After with a fault that sets it, and not without", () => {
    const store = makeStore();
    store.failNext(1, { status: 429, retryAfterSeconds: 7 });
    store.failNext(1, { status: 503 });
    const handle = createProviderHandler(store);
    expect(handle(get(path()))).toEqual({
      status: 429,
      headers: { ...JSON_TYPE, "retry-after": "7" },
      body: errorBody(1100, "Too many requests."),
    });
    expect(handle(get(path())).headers).toEqual(JSON_TYPE);
    expect(handle(get(path())).status).toBe(200);
  });

  it("faults count GET requests to the workflows route only", () => {
    const store = makeStore();
    store.failNext(1, { status: 500 });
    const handle = createProviderHandler(store);
    expect(handle(get("/other")).status).toBe(404);
    expect(handle({ ...get(path()), method: "DELETE" }).status).toBe(405);
    expect(handle(get(path())).status).toBe(500);
    expect(handle(get(path())).status).toBe(200);
  });

  it("records every request as it came (method and target)", () => {
    const store = makeStore();
    const handle = createProviderHandler(store);
    handle(get(`${path()}?limit=1`));
    handle({ method: "POST", url: "/nope" });
    expect(store.requests).toEqual([
      { method: "GET", url: `${path()}?limit=1` },
      { method: "POST", url: "/nope" },
    ]);
  });

  it("serves an updated instance as updated (no stale JSON)", () => {
    const store = makeStore();
    const handle = createProviderHandler(store);
    const [first] = JSON.parse(handle(get(`${path()}?limit=1`)).body);
    store.updateInstance(first.definitionId, first.workflowId, { status: "Terminated" });
    expect(JSON.parse(handle(get(`${path()}?limit=1`)).body)).toEqual([{ ...first, status: "Terminated" }]);
  });

  it("answers a bug in the store with 500, code 1, like the API, instead of throwing", () => {
    const store = makeStore();
    vi.spyOn(store, "list").mockImplementation(() => {
      throw new Error("boom");
    });
    expect(createProviderHandler(store)(get(path()))).toEqual({
      status: 500,
      headers: JSON_TYPE,
      body: errorBody(1, "boom"),
    });
  });
});
