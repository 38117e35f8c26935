import { apiError, createVirtualClock, rejectionOf } from "@workflows-kit/testing";
import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  type CallOptions,
  createWorkflowsClient,
  InvalidParameterError,
  type IterateWorkflowInstancesInput,
  type ListWorkflowInstancesInput,
  type WorkflowsClientOptions,
} from "../src/index.js";
import { apiKey, collect, definitionId, ids, setup } from "./support/fixtures.js";

/** Bad input on purpose: the types would (rightly) refuse most of these rows. */
const input = (params: Record<string, unknown>) => params as unknown as ListWorkflowInstancesInput;

describe("invalid parameters are rejected before any request", () => {
  it.each([
    { name: "non-UUID definitionId", params: { definitionId: "not-a-uuid" }, parameter: "definitionId" },
    {
      name: "UUID with a missing digit",
      params: { definitionId: definitionId.slice(1) },
      parameter: "definitionId",
    },
    { name: "limit 0", params: { limit: 0 }, parameter: "limit" },
    { name: "limit 501", params: { limit: 501 }, parameter: "limit" },
    { name: "limit 1.5", params: { limit: 1.5 }, parameter: "limit" },
    { name: 'limit "10" (a string)', params: { limit: "10" }, parameter: "limit" },
    { name: "limit NaN", params: { limit: Number.NaN }, parameter: "limit" },
    { name: "negative offset", params: { offset: -1 }, parameter: "offset" },
    { name: "version 0", params: { version: 0 }, parameter: "version" },
    { name: "unknown status", params: { status: "Running" }, parameter: "status" },
    { name: "status in the wrong case", params: { status: "complete" }, parameter: "status" },
    { name: "unparseable date string", params: { startTimeFrom: "yesterday" }, parameter: "startTimeFrom" },
    { name: "date without a zone", params: { startTimeTo: "2021-06-30T00:00:00" }, parameter: "startTimeTo" },
    {
      name: "8 fractional digits",
      params: { startTimeTo: "2021-06-30T00:00:00.12345678Z" },
      parameter: "startTimeTo",
    },
    { name: "invalid Date object", params: { startTimeTo: new Date("nope") }, parameter: "startTimeTo" },
    { name: "month 13", params: { startTimeFrom: "2021-13-01T00:00:00Z" }, parameter: "startTimeFrom" },
    { name: "February 30", params: { startTimeTo: "2021-02-30T00:00:00Z" }, parameter: "startTimeTo" },
    {
      name: "startTimeFrom after startTimeTo",
      params: { startTimeFrom: "2021-07-01T00:00:00Z", startTimeTo: "2021-06-30T00:00:00Z" },
      parameter: "startTimeFrom",
    },
    {
      name: "startTimeFrom after startTimeTo by 100 ns (7th fractional digit)",
      params: { startTimeFrom: "2021-06-30T03:20:39.3857479Z", startTimeTo: "2021-06-30T03:20:39.3857478Z" },
      parameter: "startTimeFrom",
    },
    {
      name: "startTimeFrom after startTimeTo across zones",
      params: { startTimeFrom: "2021-06-30T01:00:00.0000001Z", startTimeTo: "2021-06-30T03:00:00+02:00" },
      parameter: "startTimeFrom",
    },
    {
      name: "startTimeFrom (Date) after startTimeTo (string)",
      params: {
        startTimeFrom: new Date(Date.UTC(2021, 5, 30, 0, 0, 0, 1)),
        startTimeTo: "2021-06-30T00:00:00Z",
      },
      parameter: "startTimeFrom",
      // The range check runs on the wire form: the Date is reported as the string that would be sent.
      value: "2021-06-30T00:00:00.001Z",
    },
    { name: "empty accountId", params: { accountId: "" }, parameter: "accountId" },
    { name: "numeric accountId", params: { accountId: 42 }, parameter: "accountId" },
    { name: "unknown parameter name", params: { pageSize: 10 }, parameter: "pageSize" },
    {
      name: "misspelt parameter name",
      params: { startTime: "2021-06-30T00:00:00Z" },
      parameter: "startTime",
    },
    { name: "missing definitionId", params: { definitionId: undefined }, parameter: "definitionId" },
    { name: "missing accountId", params: { accountId: undefined }, parameter: "accountId" },
  ] as { name: string; params: Record<string, unknown>; parameter: string; value?: unknown }[])(
    "$name → InvalidParameterError($parameter)",
    async ({ params, parameter, ...expected }) => {
      const { client, observed } = setup();
      const merged = { ...ids, ...params };
      const error = await rejectionOf(client.listWorkflowInstances(input(merged)));
      expect((error as object).constructor).toBe(InvalidParameterError);
      const invalid = error as InvalidParameterError;
      expect(invalid.name).toBe("InvalidParameterError");
      expect(invalid.parameter).toBe(parameter);
      expect(invalid.value).toBe(
        "value" in expected ? expected.value : merged[parameter as keyof typeof merged],
      );
      expect(invalid.message).toBe(`${parameter} ${invalid.reason} (got ${describeValue(invalid.value)})`);
      expect(observed.requests).toHaveLength(0);
    },
  );

  it("keeps an invalid Date as given: .value is that Date, the message says so", async () => {
    const { client } = setup();
    const date = new Date("nope");
    for (const call of [
      client.listWorkflowInstances({ ...ids, startTimeTo: date }),
      collect(client.iterateWorkflowInstances({ ...ids, startTimeTo: date })),
    ]) {
      const error = (await rejectionOf(call)) as InvalidParameterError;
      expect(error.value).toBe(date);
      expect(error.message).toBe("startTimeTo is an invalid Date (got Date(Invalid Date))");
    }
  });

  it("names the spec's constraint in the reason", async () => {
    const { client } = setup();
    const reasons = await Promise.all(
      [{ limit: 0 }, { offset: -1 }, { version: 0 }, { definitionId: "x" }, { status: "x" }].map(
        async (params) =>
          (
            (await rejectionOf(
              client.listWorkflowInstances(input({ ...ids, ...params })),
            )) as InvalidParameterError
          ).reason,
      ),
    );
    expect(reasons).toEqual([
      "must be an integer from 1 to 500",
      "must be an integer >= 0",
      "must be an integer >= 1",
      "must be a UUID",
      "must be one of Runnable, Suspended, Complete, Terminated",
    ]);
  });

  it("accepts the boundaries: limit 1 and 500, offset 0, version 1, equal start times", async () => {
    const { client, observed } = setup();
    const same = "2021-06-30T03:20:39.3857479Z";
    await client.listWorkflowInstances({
      ...ids,
      limit: 1,
      offset: 0,
      version: 1,
      startTimeFrom: same,
      startTimeTo: same,
    });
    await client.listWorkflowInstances({ ...ids, limit: 500 });
    expect(observed.requests).toHaveLength(2);
  });

  it("validate: false lets a non-UUID definitionId reach the server (for contract tests)", async () => {
    const { client, observed } = setup(() => apiError(400, 1000), { validate: false });
    const error = await rejectionOf(
      client.listWorkflowInstances({ accountId: "acme", definitionId: "not-a-uuid" }),
    );
    expect((error as object).constructor).toBe(BadRequestError);
    expect((error as BadRequestError).code).toBe(1000);
    expect(observed.requests.map((r) => new URL(r.url).pathname)).toEqual([
      "/api/v1/accounts/acme/definitions/not-a-uuid/workflows",
    ]);
  });

  it("validate: false still rejects an invalid Date (the URL could not carry it)", async () => {
    const { client, observed } = setup(undefined, { validate: false });
    const error = await rejectionOf(
      client.listWorkflowInstances({ ...ids, startTimeFrom: new Date(Number.NaN) }),
    );
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe("startTimeFrom");
    expect(observed.requests).toHaveLength(0);
  });
});

describe("createWorkflowsClient", () => {
  const secret = "sk-test-SECRET-123";
  it.each([
    { name: "an empty key", apiKey: "" },
    { name: "a key with a space", apiKey: "sk-test SECRET-123" },
    { name: "a key with a newline", apiKey: `${secret}\n` },
    { name: "a key with a non-ASCII character", apiKey: "sk-tést-SECRET-123" },
    { name: "a key that is not a string", apiKey: 123 },
    { name: "no key", apiKey: undefined },
  ])("rejects $name with InvalidParameterError(apiKey), without echoing it", ({ apiKey: key }) => {
    let thrown: unknown;
    try {
      createWorkflowsClient({ apiKey: key } as unknown as WorkflowsClientOptions);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as object | undefined)?.constructor).toBe(InvalidParameterError);
    const invalid = thrown as InvalidParameterError;
    // Nothing to hide when no key was given: the message says so instead of "<redacted>".
    const shown = key === undefined ? undefined : "<redacted>";
    expect({ parameter: invalid.parameter, value: invalid.value }).toEqual({
      parameter: "apiKey",
      value: shown,
    });
    expect(invalid.message).toBe(
      `apiKey must be a non-empty string of visible ASCII (got ${key === undefined ? "undefined" : '"<redacted>"'})`,
    );
    expect(`${invalid.message}${invalid.stack}${JSON.stringify(invalid)}`).not.toContain("SECRET");
  });

  it.each([undefined, null, "sk-test-SECRET-123"])("reads options %j as no key given", (options) => {
    expect(() => createWorkflowsClient(options as unknown as WorkflowsClientOptions)).toThrow(
      "apiKey must be a non-empty string of visible ASCII (got undefined)",
    );
  });

  it("names a misspelt apiKey as the unknown option it is, never with its value", () => {
    let thrown: unknown;
    try {
      createWorkflowsClient({ apikey: secret } as unknown as WorkflowsClientOptions);
    } catch (error) {
      thrown = error;
    }
    const invalid = thrown as InvalidParameterError;
    expect({ parameter: invalid.parameter, value: invalid.value }).toEqual({
      parameter: "apikey",
      value: "<redacted>",
    });
    expect(invalid.message).toMatch(/^apikey is not an option \(known: apiKey, baseUrl, /);
    expect(`${invalid.message}${invalid.stack}${JSON.stringify(invalid)}`).not.toContain("SECRET");
  });

  it.each([
    { option: "maxRetries", value: -1 },
    { option: "maxRetries", value: 1.5 },
    { option: "timeoutMs", value: 0 },
    { option: "retryBaseDelayMs", value: Number.NaN },
    { option: "offsetUnit", value: "bytes" },
    // setTimeout overflows past 2^31-1 ms and would time every attempt out at once.
    { option: "timeoutMs", value: Number.POSITIVE_INFINITY },
    { option: "maxRetryAfterMs", value: 2 ** 31 },
    { option: "baseUrl", value: "automation.8x8.com" },
    { option: "baseUrl", value: "ftp://127.0.0.1" },
    { option: "random", value: 0.5 },
  ])("rejects $option = $value", ({ option, value }) => {
    expect(() => createWorkflowsClient({ apiKey, [option]: value })).toThrow(
      expect.objectContaining({ name: "InvalidParameterError", parameter: option }),
    );
  });

  it.each<{ clock: unknown; parameter: string }>([
    { clock: { now: () => 0 }, parameter: "clock.setTimeout" },
    { clock: { now: () => 0, setTimeout: () => 1 }, parameter: "clock.clearTimeout" },
    { clock: null, parameter: "clock.now" },
  ])("rejects a clock without a method, naming it: $parameter", ({ clock, parameter }) => {
    const options = { apiKey, clock } as unknown as WorkflowsClientOptions;
    expect(() => createWorkflowsClient(options)).toThrow(
      expect.objectContaining({ name: "InvalidParameterError", parameter, reason: "must be a function" }),
    );
  });

  it("accepts every option given as undefined, as if left out", () => {
    const client = createWorkflowsClient({
      apiKey,
      baseUrl: undefined,
      fetch: undefined,
      maxRetries: undefined,
      timeoutMs: undefined,
      validate: undefined,
      offsetUnit: undefined,
      retryBaseDelayMs: undefined,
      retryMaxDelayMs: undefined,
      maxRetryAfterMs: undefined,
      clock: undefined,
      random: undefined,
    });
    expect(client.offsetUnit).toBe("pages");
  });

  it.each([
    { name: "a misspelt option", options: { retries: 3 }, key: "retries" },
    { name: "another client's option", options: { timeout: 5_000 }, key: "timeout" },
    // A misspelt apiKey holds the key: the value is never echoed.
    { name: "a misspelt apiKey", options: { api_key: "sk-test-SECRET-123" }, key: "api_key" },
  ])("rejects $name, naming it and the known options, without echoing its value", ({ options, key }) => {
    let thrown: unknown;
    try {
      createWorkflowsClient({ apiKey: secret, ...options } as WorkflowsClientOptions);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as object | undefined)?.constructor).toBe(InvalidParameterError);
    const invalid = thrown as InvalidParameterError;
    expect({ parameter: invalid.parameter, value: invalid.value }).toEqual({
      parameter: key,
      value: "<redacted>",
    });
    expect(invalid.message).toBe(
      `${key} is not an option (known: apiKey, baseUrl, fetch, validate, offsetUnit, maxRetries, timeoutMs, ` +
        'retryBaseDelayMs, retryMaxDelayMs, maxRetryAfterMs, clock, random) (got "<redacted>")',
    );
    expect(`${invalid.message}${invalid.stack}${JSON.stringify(invalid)}`).not.toContain("SECRET");
  });

  it("accepts an unknown option given as undefined, as if left out", () => {
    const options = { apiKey, retries: undefined } as WorkflowsClientOptions;
    expect(() => createWorkflowsClient(options)).not.toThrow();
  });

  it("accepts a clock with the three methods", () => {
    expect(() => createWorkflowsClient({ apiKey, clock: createVirtualClock() })).not.toThrow();
  });
});

describe("call options", () => {
  it.each<{ name: string; options: unknown; parameter: string }>([
    { name: "not an object", options: 5, parameter: "options" },
    { name: "null", options: null, parameter: "options" },
    {
      name: "a signal that is not an AbortSignal",
      options: { signal: { aborted: false } },
      parameter: "signal",
    },
    { name: "timeoutMs 0", options: { timeoutMs: 0 }, parameter: "timeoutMs" },
    { name: "timeoutMs NaN", options: { timeoutMs: Number.NaN }, parameter: "timeoutMs" },
    { name: 'timeoutMs "100" (a string)', options: { timeoutMs: "100" }, parameter: "timeoutMs" },
    { name: "timeoutMs past 2^31-1", options: { timeoutMs: 2 ** 31 }, parameter: "timeoutMs" },
    { name: "maxRetries -1", options: { maxRetries: -1 }, parameter: "maxRetries" },
    { name: "maxRetries 1.5", options: { maxRetries: 1.5 }, parameter: "maxRetries" },
    { name: "headers that are not headers", options: { headers: 42 }, parameter: "headers" },
  ])(
    "$name → InvalidParameterError($parameter), nothing sent, in list and walk",
    async ({ options, parameter }) => {
      const { client, observed } = setup();
      const call = options as CallOptions;
      for (const request of [
        client.listWorkflowInstances(ids, call),
        collect(client.iterateWorkflowInstances(ids, call)),
        collect(client.iterateWorkflowInstancePages(ids, call)),
      ]) {
        const error = (await rejectionOf(request)) as InvalidParameterError;
        expect({ name: error.name, parameter: error.parameter }).toEqual({
          name: "InvalidParameterError",
          parameter,
        });
      }
      expect(observed.requests).toHaveLength(0);
    },
  );

  it("rejects an unknown call option, naming it and the known ones, in list and walk; nothing sent", async () => {
    const { client, observed } = setup();
    // Not `timeoutMs`: a bound the caller believes is set, silently ignored before.
    const call = { timeout: 5 } as CallOptions;
    for (const request of [
      client.listWorkflowInstances(ids, call),
      collect(client.iterateWorkflowInstances(ids, call)),
      collect(client.iterateWorkflowInstancePages(ids, call)),
    ]) {
      const error = (await rejectionOf(request)) as InvalidParameterError;
      expect((error as object).constructor).toBe(InvalidParameterError);
      expect(error.parameter).toBe("timeout");
      expect(error.message).toBe(
        'timeout is not an option (known: signal, headers, timeoutMs, maxRetries) (got "<redacted>")',
      );
    }
    expect(observed.requests).toHaveLength(0);
  });

  it("accepts every call option given as undefined", async () => {
    const { client, observed } = setup();
    const call = { signal: undefined, headers: undefined, timeoutMs: undefined, maxRetries: undefined };
    await client.listWorkflowInstances(ids, call);
    await collect(client.iterateWorkflowInstances(ids, call));
    expect(observed.requests).toHaveLength(2);
  });
});

it("rejects a baseUrl with credentials without echoing them", () => {
  const error = (() => {
    try {
      createWorkflowsClient({ apiKey, baseUrl: "https://user:hunter2@automation.8x8.com" });
    } catch (e) {
      return e as InvalidParameterError;
    }
  })();
  expect(error).toBeInstanceOf(InvalidParameterError);
  expect(error?.parameter).toBe("baseUrl");
  expect(`${error?.message}${error?.stack}${JSON.stringify(error)}`).not.toContain("hunter2");
});

describe("iterateWorkflowInstances input", () => {
  it.each([
    { params: { pageSize: 0 }, parameter: "pageSize" },
    { params: { pageSize: 501 }, parameter: "pageSize" },
    { params: { maxItems: -1 }, parameter: "maxItems" },
    { params: { status: "Running" }, parameter: "status" },
  ])("names $parameter and sends nothing", async ({ params, parameter }) => {
    const { client, observed } = setup();
    const error = await rejectionOf(
      collect(client.iterateWorkflowInstances({ ...ids, ...(params as object) })),
    );
    expect((error as object).constructor).toBe(InvalidParameterError);
    expect((error as InvalidParameterError).parameter).toBe(parameter);
    expect((error as InvalidParameterError).value).toBe(Object.values(params)[0]);
    expect(observed.requests).toHaveLength(0);
  });
});

describe("a walk owns limit and offset", () => {
  it.each([
    { params: { limit: 10 }, parameter: "limit", value: 10 },
    { params: { offset: 3 }, parameter: "offset", value: 3 },
    { params: { limit: 10, offset: 3, pageSize: 10 }, parameter: "limit", value: 10 },
  ])(
    "$params → InvalidParameterError($parameter) saying to use pageSize; nothing sent",
    async ({ params, parameter, value }) => {
      // With validate: false too: this is about the walk's correctness, not the spec's rules.
      for (const validate of [true, false]) {
        const { client, observed } = setup(undefined, { validate });
        const walk = { ...ids, ...params } as IterateWorkflowInstancesInput;
        for (const request of [
          collect(client.iterateWorkflowInstances(walk)),
          collect(client.iterateWorkflowInstancePages(walk)),
        ]) {
          const error = (await rejectionOf(request)) as InvalidParameterError;
          expect((error as object).constructor).toBe(InvalidParameterError);
          expect({ parameter: error.parameter, value: error.value }).toEqual({ parameter, value });
          expect(error.message).toBe(`${parameter} is not a walk parameter, use pageSize (got ${value})`);
        }
        expect(observed.requests).toHaveLength(0);
      }
    },
  );

  it("takes limit and offset given as undefined as left out", async () => {
    const { client, observed } = setup();
    const walk = { ...ids, limit: undefined, offset: undefined } as IterateWorkflowInstancesInput;
    expect(await collect(client.iterateWorkflowInstances(walk))).toHaveLength(1);
    expect(observed.requests).toHaveLength(1);
  });
});

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()})`;
  return String(value);
}
