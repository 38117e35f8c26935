import { describe, expect, it } from "vitest";
import { createHarRecorder } from "../src/har.js";
import { createWorkflowsClient, type HarRecorderOptions } from "../src/index.js";
import { ids, instance, PATH as path } from "./support/fixtures.js";

const apiKey = "sk-test-HAR-SECRET-42";
const errorBody = {
  code: 1300,
  message: "Definition not found.",
  errorId: "2558ff83-c8db-4890-805e-ad64001857a1",
  timestamp: "2021-07-13T01:28:37.66Z",
};

/** A fetch answering from a table by path, recording what reached it; `throws` fails the connection. */
function tableFetch(answers: Record<string, () => Response>) {
  const seen: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push(request);
    const url = new URL(request.url);
    const answer = answers[`${url.pathname}${url.search}`] ?? answers[url.pathname];
    if (!answer) throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    return answer();
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

/** A client whose traffic a recorder with a ticking clock (10 ms per reading) records. */
function recorded(answers: Record<string, () => Response>, options: HarRecorderOptions = {}) {
  let clock = Date.UTC(2021, 6, 13, 1, 28, 37);
  const recorder = createHarRecorder({ now: () => (clock += 10), ...options });
  const { fetch, seen } = tableFetch(answers);
  const client = createWorkflowsClient({ apiKey, baseUrl: "http://api.test", fetch, maxRetries: 0 });
  client.raw.use(recorder.middleware);
  return { client, recorder, seen };
}

describe("createHarRecorder", () => {
  it("writes each exchange as a HAR 1.2 entry: request, query, status, headers, body, timings", async () => {
    const { client, recorder } = recorded({ [path]: json(200, [instance]) });
    await client.listWorkflowInstances({ ...ids, limit: 5, status: "Complete" });
    const har = recorder.log();
    expect(har.log).toMatchObject({ version: "1.2", creator: { name: "@workflows-kit/client" } });
    expect(har.log.entries).toHaveLength(1);
    const [entry] = har.log.entries;
    expect(entry).toMatchObject({
      startedDateTime: "2021-07-13T01:28:37.010Z",
      time: 10,
      request: {
        method: "GET",
        url: `http://api.test${path}?limit=5&status=Complete`,
        queryString: [
          { name: "limit", value: "5" },
          { name: "status", value: "Complete" },
        ],
      },
      response: {
        status: 200,
        content: { size: JSON.stringify([instance]).length, mimeType: "application/json" },
      },
      timings: { send: 0, wait: 10, receive: 0 },
    });
    // The body is kept byte for byte: 7-digit timestamps survive.
    expect(JSON.parse(entry?.response.content.text ?? "")).toEqual([instance]);
  });

  it("records error answers with their body, and failed connections as status 0 with _error", async () => {
    const { client, recorder } = recorded({ [path]: json(404, errorBody) });
    await expect(client.listWorkflowInstances(ids)).rejects.toMatchObject({ status: 404 });
    await expect(client.listWorkflowInstances({ ...ids, accountId: "elsewhere" })).rejects.toMatchObject({
      name: "WorkflowsConnectionError",
    });
    const har = recorder.log();
    expect(har.log.entries.map((e) => e.response.status)).toEqual([404, 0]);
    expect(JSON.parse(har.log.entries[0]?.response.content.text ?? "")).toEqual(errorBody);
    expect(har.log.entries[1]?._error).toMatch(/WorkflowsConnectionError: .*ECONNREFUSED/);
  });

  it("redacts Authorization (and cookies); the API key appears nowhere in the HAR", async () => {
    const { client, recorder, seen } = recorded({
      [path]: json(200, [], { "set-cookie": "session=abc" }),
    });
    // A caller's middleware that puts the key in a header of its own making must not leak it either.
    client.raw.use({
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${apiKey}`);
        request.headers.set("Cookie", "session=abc");
        return request;
      },
    });
    await client.listWorkflowInstances(ids);
    expect(seen[0]?.headers.get("authorization")).toBe(`Bearer ${apiKey}`); // it did go out
    const text = JSON.stringify(recorder.log());
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain("session=abc");
    const [entry] = recorder.entries;
    expect(entry?.request.headers).toContainEqual({ name: "authorization", value: "[REDACTED]" });
    expect(entry?.request.headers).toContainEqual({ name: "cookie", value: "[REDACTED]" });
    expect(entry?.response.headers).toContainEqual({ name: "set-cookie", value: "[REDACTED]" });
  });

  it("is bounded: the oldest entries go past maxEntries, bodies are cut at maxBodyBytes and marked", async () => {
    const page = Array.from({ length: 20 }, () => instance);
    const { client, recorder } = recorded({ [path]: json(200, page) }, { maxEntries: 2, maxBodyBytes: 100 });
    for (const limit of [20, 21, 22]) await client.listWorkflowInstances({ ...ids, limit });
    expect(recorder.entries.map((e) => e.request.queryString[0]?.value)).toEqual(["21", "22"]);
    expect(recorder.dropped).toBe(1);
    const [entry] = recorder.entries;
    const size = JSON.stringify(page).length;
    expect(entry?.response.content).toMatchObject({
      size,
      comment: `truncated to the first 100 of ${size} bytes`,
    });
    expect(entry?.response.content.text).toHaveLength(100);
    expect(entry?._truncated).toBe(true);
    recorder.clear();
    expect([recorder.entries.length, recorder.dropped]).toEqual([0, 0]);
  });

  it("is off by default: nothing is recorded until the middleware is registered", async () => {
    const recorder = createHarRecorder();
    const { fetch } = tableFetch({ [path]: json(200, [instance]) });
    const client = createWorkflowsClient({ apiKey, baseUrl: "http://api.test", fetch });
    await client.listWorkflowInstances(ids);
    expect(recorder.entries).toEqual([]);
    client.raw.use(recorder.middleware);
    await client.listWorkflowInstances(ids);
    expect(recorder.entries).toHaveLength(1);
  });

  it.each([
    ["maxEntries", { maxEntries: 0 }],
    ["maxBodyBytes", { maxBodyBytes: 1.5 }],
  ])("rejects a bad %s, naming it", (name, options) => {
    expect(() => createHarRecorder(options)).toThrow(new RangeError(`${name} must be an integer >= 1`));
  });
});
