import { describe, expect, it } from "vitest";
import {
  checkListWorkflowInstancesParameters,
  compareTimestamps,
  laterOf,
  listWorkflowInstancesParameters,
  offsetUnit,
  servers,
  toTicks,
  workflowStatuses,
} from "../src/index.js";

const valid = { accountId: "acme", definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230" };

describe("constraints generated from the spec", () => {
  it("carry the documented values", () => {
    expect(listWorkflowInstancesParameters.limit.schema).toEqual({
      type: "integer",
      minimum: 1,
      maximum: 500,
      default: 100,
    });
    expect(listWorkflowInstancesParameters.offset.schema).toEqual({
      type: "integer",
      minimum: 0,
      default: 0,
    });
    expect(listWorkflowInstancesParameters.version.schema).toEqual({ type: "integer", minimum: 1 });
    expect(workflowStatuses).toEqual(["Runnable", "Suspended", "Complete", "Terminated"]);
    expect(offsetUnit).toBe("pages");
    expect(servers[0]).toBe("https://automation.8x8.com");
  });
});

describe("checkListWorkflowInstancesParameters", () => {
  it("accepts every parameter at its bounds", () => {
    expect(
      checkListWorkflowInstancesParameters({
        ...valid,
        limit: 500,
        offset: 0,
        version: 1,
        status: "Terminated",
        startTimeFrom: "2021-06-30T03:20:39.3857479Z",
        startTimeTo: "2021-06-30T03:20:39.3857479Z",
      }),
    ).toBeUndefined();
  });

  it.each([
    [{ ...valid, accountId: "" }, "accountId"],
    [{ definitionId: valid.definitionId }, "accountId"],
    [{ ...valid, definitionId: "60dbe307fe55d99fc083db61" }, "definitionId"],
    [{ ...valid, limit: 0 }, "limit"],
    [{ ...valid, limit: 501 }, "limit"],
    [{ ...valid, limit: 2.5 }, "limit"],
    [{ ...valid, offset: -1 }, "offset"],
    [{ ...valid, version: 0 }, "version"],
    [{ ...valid, status: "Done" }, "status"],
    [{ ...valid, startTimeFrom: "yesterday" }, "startTimeFrom"],
    [{ ...valid, startTimeTo: "2021-02-30T00:00:00Z" }, "startTimeTo"],
    [{ ...valid, startTimeTo: "2021-06-30T03:20:39.12345678Z" }, "startTimeTo"],
    [
      {
        ...valid,
        startTimeFrom: "2021-06-30T03:20:39.3857479Z",
        startTimeTo: "2021-06-30T03:20:39.3857478Z",
      },
      "startTimeFrom",
    ],
    [{ ...valid, staus: "Complete" }, "staus"],
  ])("%o is rejected naming %s", (params, parameter) => {
    expect(checkListWorkflowInstancesParameters(params)?.parameter).toBe(parameter);
  });
});

describe("date-time messages: the expected shape by example, never the raw pattern", () => {
  const shape = "must be an ISO 8601 date-time like 2021-06-30T03:20:39.3857479Z";
  it.each([
    ["yesterday", shape],
    ["2021-06-30T00:00:00", shape],
    ["2026-11-01T00:00:00+25:00", shape],
    ["2026-11-01T00:00:00-00:60", shape],
    ["2021-06-30T03:20:39.12345678Z", shape],
    ["2021-02-30T00:00:00Z", shape],
    ["2026-11-01t00:00:00z", "must write T and Z in upper case: 2026-11-01T00:00:00Z"],
    ["2026-11-01T00:00:00.5z", "must write T and Z in upper case: 2026-11-01T00:00:00.5Z"],
  ])("%s: %s", (startTimeFrom, reason) => {
    expect(checkListWorkflowInstancesParameters({ ...valid, startTimeFrom })).toEqual({
      parameter: "startTimeFrom",
      reason,
    });
  });

  it("accepts the offsets at the edges, ±23:59", () => {
    for (const startTimeTo of ["2026-11-01T00:00:00+23:59", "2026-11-01T00:00:00-23:59"]) {
      expect(checkListWorkflowInstancesParameters({ ...valid, startTimeTo })).toBeUndefined();
    }
  });
});

describe("timestamps", () => {
  it("compare at 100 ns precision across offsets", () => {
    expect(toTicks("2021-06-30T03:20:39.3857479Z")).toBe(16_250_232_393_857_479n);
    expect(compareTimestamps("2021-06-30T03:20:39.3857479Z", "2021-06-30T03:20:39.3857478Z")).toBe(1);
    expect(compareTimestamps("2021-06-30T05:20:39.49+02:00", "2021-06-30T03:20:39.4900000Z")).toBe(0);
    expect(laterOf("2021-06-30T03:20:39.49Z", "2021-06-30T03:20:39.4900001Z")).toBe(
      "2021-06-30T03:20:39.4900001Z",
    );
    expect(compareTimestamps("2021-06-30T03:20:39-23:59", "2021-07-01T03:19:39+00:00")).toBe(0);
  });

  it("read an RFC 3339 offset only: ±23:59 at most", () => {
    expect(toTicks("2021-06-30T03:20:39+23:59")).toBe(toTicks("2021-06-29T03:21:39Z"));
    for (const zone of ["+24:00", "-23:60", "+99:99"])
      expect(toTicks(`2021-06-30T03:20:39${zone}`)).toBeUndefined();
  });
});
