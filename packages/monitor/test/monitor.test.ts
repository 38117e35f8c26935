// The poll cycle on the reference provider in memory and a virtual clock: what is reported, once,
// across restarts; what is asked of the API; how failures are sorted and backed off. Cycles are
// driven by pollOnce(), the loop by the clock's timers.
import {
  AuthenticationError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  WorkflowsConnectionError,
} from "@workflows-kit/client";
import { json, rejectionOf } from "@workflows-kit/testing";
import { describe, expect, it } from "vitest";
import { memoryCheckpointStore } from "../src/index.js";
import { ACCOUNT, createApi, DEFINITION, instance, OTHER_DEFINITION } from "./support/api.js";
import {
  clientFor,
  HOUR,
  monitorOf,
  nextWait,
  type Setup,
  START,
  setup,
  virtualClock,
} from "./support/monitor.js";

/** One `--once` run of a setup's monitor: a poll, then the checkpoint written. */
async function pollAndSave(s: Setup) {
  const monitor = await monitorOf(s);
  await monitor.pollOnce();
  await monitor.save();
  return monitor;
}

/** Minutes before the virtual clock's start (2021-07-01T00:00:00Z), as the API writes them. */
const ago = (minutes: number, fraction = "1234567") =>
  `${new Date(START - minutes * 60_000).toISOString().slice(0, 19)}.${fraction}Z`;

describe("what a poll reports", () => {
  it("every Terminated instance in the window, oldest first, each once", async () => {
    const [a, b] = [instance(ago(10)), instance(ago(20))];
    const s = setup({
      api: createApi({ [DEFINITION]: [a, b, instance(ago(5), "Complete"), instance(ago(6), "Runnable")] }),
    });
    const monitor = await monitorOf(s);
    const first = await monitor.pollOnce();
    expect(first.alerts.map((x) => x.workflowId)).toEqual([b.workflowId, a.workflowId]);
    expect(first).toMatchObject({ failures: [], nextPollInMs: 60_000 });
    expect((await monitor.pollOnce()).alerts).toEqual([]);
    expect(s.sink.ids).toEqual([b.workflowId, a.workflowId]);
  });

  it("alerts carry the instance's own strings, 7 digits kept, and no data payload", async () => {
    const terminated = instance(ago(10, "3857479"), "Terminated", {
      completedAt: "2021-06-30T23:51:00.83Z",
      version: 3,
      data: { accountId: ACCOUNT, triggeredAt: ago(10), payload: { secret: "user text" } },
    });
    const s = setup({ api: createApi({ [DEFINITION]: [terminated] }), version: 3 });
    await (await monitorOf(s)).pollOnce();
    expect(s.sink.alerts).toEqual([
      {
        type: "workflow.terminated",
        accountId: ACCOUNT,
        definitionId: DEFINITION,
        version: 3,
        workflowId: terminated.workflowId,
        startedAt: "2021-06-30T23:50:00.3857479Z",
        completedAt: "2021-06-30T23:51:00.83Z",
        detectedAt: "2021-07-01T00:00:00.000Z",
      },
    ]);
  });

  it("asks for status=Terminated from now − lookback, in pages of pageSize; version only when given", async () => {
    const s = setup({ pageSize: 2 });
    await (await monitorOf(s)).pollOnce();
    expect(s.api.queries()).toEqual([
      { status: "Terminated", startTimeFrom: "2021-06-30T23:00:00.000Z", limit: "2", offset: "0" },
    ]);
    const v = setup({ version: 4 });
    await (await monitorOf(v)).pollOnce();
    expect(v.api.queries()[0]).toMatchObject({ version: "4" });
  });

  it("with since, asks from that fixed instant at every poll, whatever the clock says", async () => {
    const s = setup({ since: "2021-06-01T00:00:00Z" });
    const monitor = await monitorOf(s);
    await monitor.pollOnce();
    s.clock.advance(48 * HOUR);
    await monitor.pollOnce();
    expect(s.api.queries().map((q) => q.startTimeFrom)).toEqual([
      "2021-06-01T00:00:00Z",
      "2021-06-01T00:00:00Z",
    ]);
  });

  it("walks every page of the window with the client's pinned paging", async () => {
    const list = [1, 2, 3, 4, 5].map((m) => instance(ago(m)));
    const s = setup({ api: createApi({ [DEFINITION]: list }), pageSize: 2 });
    await (await monitorOf(s)).pollOnce();
    expect(s.sink.ids).toEqual(list.map((i) => i.workflowId).reverse());
    expect(s.api.queries().map((q) => [q.offset, q.startTimeTo, q.version])).toEqual([
      ["0", undefined, undefined],
      ["1", list[0]?.startedAt, "1"],
      ["2", list[0]?.startedAt, "1"],
    ]);
  });

  it("an instance that terminates between polls is reported at the next one", async () => {
    const running = instance(ago(30), "Runnable");
    const s = setup({ api: createApi({ [DEFINITION]: [running] }) });
    const monitor = await monitorOf(s);
    expect((await monitor.pollOnce()).alerts).toEqual([]);
    await s.clock.advance(60_000);
    s.api.store.updateInstance(DEFINITION, running.workflowId, { status: "Terminated", completedAt: ago(0) });
    expect((await monitor.pollOnce()).alerts.map((a) => a.workflowId)).toEqual([running.workflowId]);
  });

  it("watches several definitions; the same one given twice is watched once", async () => {
    const [a, b] = [instance(ago(1)), instance(ago(2), "Terminated", { definitionId: OTHER_DEFINITION })];
    const api = createApi({ [DEFINITION]: [a], [OTHER_DEFINITION]: [b] });
    const s = setup({ api, definitionIds: [DEFINITION, OTHER_DEFINITION, DEFINITION.toUpperCase()] });
    const result = await (await monitorOf(s)).pollOnce();
    expect(result.alerts.map((x) => [x.definitionId, x.workflowId])).toEqual([
      [DEFINITION, a.workflowId],
      [OTHER_DEFINITION, b.workflowId],
    ]);
    expect(api.requests).toHaveLength(2);
  });

  it("skips what a server should not have sent: other statuses and starts before the window", async () => {
    const wrong = [instance(ago(1), "Complete"), instance(ago(61))];
    const s = setup({ client: clientFor(async () => json(wrong)) });
    await expect((await monitorOf(s)).pollOnce()).resolves.toMatchObject({ alerts: [], failures: [] });
  });
});

describe("createMonitor", () => {
  it.each([
    ["a definition that is not a UUID", { definitionIds: [DEFINITION, "nope"] }, "definitionId"],
    ["a page size of 0", { pageSize: 0 }, "pageSize"],
    ["a version of 0", { version: 0 }, "version"],
  ])(
    "refuses %s with the client's check before it loads the checkpoint or sends anything",
    async (_name, overrides, parameter) => {
      const s = setup(overrides);
      let loaded = false;
      s.options.checkpoint = {
        load: async () => {
          loaded = true;
          return undefined;
        },
        save: async () => {},
      };
      await expect(monitorOf(s)).rejects.toMatchObject({ name: "InvalidParameterError", parameter });
      expect([loaded, s.api.requests.length]).toEqual([false, 0]);
    },
  );
});

describe("restarts (the checkpoint)", () => {
  it("neither repeats nor misses: an instance started before the checkpoint and terminated after it is reported", async () => {
    const done = instance(ago(20));
    const running = instance(ago(15), "Runnable");
    const api = createApi({ [DEFINITION]: [done, running] });
    const first = setup({ api });
    await pollAndSave(first);
    expect(first.sink.ids).toEqual([done.workflowId]);

    // Stopped for 10 minutes; meanwhile `running` terminates and a new one starts and terminates.
    api.store.updateInstance(DEFINITION, running.workflowId, { status: "Terminated", completedAt: ago(3) });
    const fresh = instance(ago(-5));
    api.store.insertInstances(DEFINITION, [fresh]);
    const second = setup({ api, checkpoint: first.store, clock: first.clock });
    await second.clock.advance(10 * 60_000);
    await (await monitorOf(second)).pollOnce();
    expect(second.sink.ids).toEqual([running.workflowId, fresh.workflowId]);
  });

  it("the checkpoint holds the ids reported, and the window start once it forgot some", async () => {
    const a = instance(ago(20));
    const s = setup({ api: createApi({ [DEFINITION]: [a] }) });
    const monitor = await monitorOf(s);
    await monitor.pollOnce();
    await monitor.save();
    const saved = () => JSON.parse(s.store.text ?? "");
    expect(saved()).toEqual({
      format: "workflows-monitor.checkpoint/1",
      savedAt: "2021-07-01T00:00:00.000Z",
      definitions: [
        { accountId: ACCOUNT, definitionId: DEFINITION, reported: { [a.workflowId]: a.startedAt } },
      ],
    });
    await s.clock.advance(50 * 60_000); // `a` started 70 minutes ago: out of the 1 h window, forgotten
    await monitor.pollOnce();
    await monitor.save();
    expect(saved().definitions).toEqual([
      { accountId: ACCOUNT, definitionId: DEFINITION, windowFrom: "2021-06-30T23:50:00.000Z", reported: {} },
    ]);
  });

  it("keeps definitions it no longer watches untouched, so watching them again repeats nothing", async () => {
    const b = instance(ago(2), "Terminated", { definitionId: OTHER_DEFINITION });
    const api = createApi({ [DEFINITION]: [], [OTHER_DEFINITION]: [b] });
    const both = setup({ api, definitionIds: [DEFINITION, OTHER_DEFINITION] });
    const m1 = await monitorOf(both);
    await m1.pollOnce();
    await m1.save();
    const one = setup({ api, checkpoint: both.store });
    await (await monitorOf(one)).save();
    const again = setup({ api, checkpoint: both.store, definitionIds: [OTHER_DEFINITION] });
    await (await monitorOf(again)).pollOnce();
    expect(again.sink.ids).toEqual([]);
  });

  it("stays bounded: ids that left the window are forgotten and never come back", async () => {
    const old = instance(ago(50));
    const s = setup({ api: createApi({ [DEFINITION]: [old] }) });
    const monitor = await monitorOf(s);
    await monitor.pollOnce();
    expect(monitor.snapshot().definitions[0]?.reported.size).toBe(1);
    await s.clock.advance(20 * 60_000); // `old` started 70 minutes ago now: out of the 1 h window
    await monitor.pollOnce();
    expect(monitor.snapshot().definitions[0]?.reported.size).toBe(0);
    expect(s.api.queries().at(-1)?.startTimeFrom).toBe("2021-06-30T23:20:00.000Z");
    expect(s.sink.ids).toEqual([old.workflowId]);
  });

  it("never moves the window back when the wall clock does, so a forgotten id cannot repeat", async () => {
    const old = instance(ago(50));
    const virtual = virtualClock();
    let stepped = 0;
    const clock = { ...virtual, now: () => virtual.now() + stepped };
    const s = setup({ api: createApi({ [DEFINITION]: [old] }), clock });
    const monitor = await monitorOf(s);
    await monitor.pollOnce();
    await s.clock.advance(20 * 60_000);
    await monitor.pollOnce(); // forgets `old`
    stepped = -(20 * 60_000 + 2 * HOUR); // NTP stepped the clock back to 2 h before the start
    await monitor.pollOnce();
    expect(s.api.queries().at(-1)?.startTimeFrom).toBe("2021-06-30T23:20:00.000Z");
    expect(s.sink.ids).toEqual([old.workflowId]);
  });

  it("past maxReported it shrinks the window to the oldest id kept, says so, and repeats nothing", async () => {
    const list = [1, 2, 3, 4].map((m) => instance(ago(m)));
    const s = setup({ api: createApi({ [DEFINITION]: list }), maxReported: 2 });
    const monitor = await monitorOf(s);
    await monitor.pollOnce();
    expect([...(monitor.snapshot().definitions[0]?.reported.keys() ?? [])].sort()).toEqual(
      [list[0]?.workflowId, list[1]?.workflowId].sort(),
    );
    expect(s.logs).toContainEqual({
      level: "warn",
      event: "window_shrunk",
      fields: { definitionId: DEFINITION, windowFrom: list[1]?.startedAt, maxReported: 2 },
    });
    await monitor.pollOnce();
    expect(s.api.queries().at(-1)?.startTimeFrom).toBe(list[1]?.startedAt);
    expect(s.sink.alerts).toHaveLength(4);
  });

  it("keeps every id that started at the cutoff instant (startTimeFrom is inclusive)", async () => {
    const same = ago(2);
    const list = [instance(ago(1)), instance(same), instance(same), instance(ago(3))];
    const s = setup({ api: createApi({ [DEFINITION]: list }), maxReported: 2 });
    const monitor = await monitorOf(s);
    await monitor.pollOnce();
    expect(monitor.snapshot().definitions[0]?.reported.size).toBe(3);
    await monitor.pollOnce();
    expect(s.sink.alerts).toHaveLength(4);
  });
});

describe("a longer lookback on an existing checkpoint", () => {
  it("takes effect at once when the checkpoint forgot nothing: what the shorter one missed is reported", async () => {
    const older = instance(ago(90)); // outside a 1 h look-back, inside 2 h
    const recent = instance(ago(10));
    const api = createApi({ [DEFINITION]: [recent, older] });
    const short = setup({ api });
    await pollAndSave(short);
    expect(short.sink.ids).toEqual([recent.workflowId]);

    const long = setup({ api, checkpoint: short.store, clock: short.clock, lookbackMs: 2 * HOUR });
    await pollAndSave(long);
    expect(long.api.queries().at(-1)?.startTimeFrom).toBe("2021-06-30T22:00:00.000Z");
    expect(long.sink.ids).toEqual([older.workflowId]);
    expect(long.logs.filter((l) => l.level === "warn")).toEqual([]);
  });

  it("reaches back to the oldest instant it may have forgotten, never further (no repeat), and says so once", async () => {
    const forgotten = instance(ago(50)); // reported, then forgotten when it left the 1 h window
    const running = instance(ago(20), "Runnable"); // left the 1 h window running; terminates later
    const api = createApi({ [DEFINITION]: [running, forgotten] });
    const short = setup({ api });
    const first = await monitorOf(short);
    await first.pollOnce();
    await short.clock.advance(20 * 60_000);
    await first.pollOnce(); // 00:20: forgets `forgotten` (started 23:10): nothing before 23:20 is asked again
    await first.save();
    expect(short.sink.ids).toEqual([forgotten.workflowId]);

    await short.clock.advance(70 * 60_000); // 01:30: `running` (23:40) is out of a 1 h window
    api.store.updateInstance(DEFINITION, running.workflowId, { status: "Terminated", completedAt: ago(-60) });
    const long = setup({ api, checkpoint: short.store, clock: short.clock, lookbackMs: 3 * HOUR });
    const second = await monitorOf(long);
    await second.pollOnce();
    await long.clock.advance(60_000);
    await second.pollOnce();
    expect(long.api.queries().at(-2)?.startTimeFrom).toBe("2021-06-30T23:20:00.000Z");
    expect(long.sink.ids).toEqual([running.workflowId]);
    expect(long.logs.filter((l) => l.level === "warn")).toEqual([
      {
        level: "warn",
        event: "lookback_limited",
        fields: {
          definitionId: DEFINITION,
          windowFrom: "2021-06-30T23:20:00.000Z",
          lookbackFrom: "2021-06-30T22:30:00.000Z",
        },
      },
    ]);
  });
});

describe("trouble", () => {
  it("429: stops the cycle, waits at least Retry-After, and polls the limited definition first next time", async () => {
    const api = createApi({ [DEFINITION]: [], [OTHER_DEFINITION]: [] });
    const s = setup({ api, definitionIds: [DEFINITION, OTHER_DEFINITION], intervalMs: 1_000 });
    const monitor = await monitorOf(s);
    api.store.failNext(1, { status: 429, retryAfterSeconds: 120 });
    const limited = await monitor.pollOnce();
    expect(limited.failures).toEqual([{ definitionId: DEFINITION, error: expect.any(RateLimitError) }]);
    expect(limited.nextPollInMs).toBe(120_000);
    expect(api.requests).toHaveLength(1);
    expect(s.logs).toContainEqual(
      expect.objectContaining({
        level: "warn",
        event: "poll_failed",
        fields: expect.objectContaining({
          error: "RateLimitError",
          status: 429,
          code: 1100,
          retryAfterMs: 120_000,
        }),
      }),
    );

    // Next cycle: the limited definition first, then the rest.
    const rotated = setup({ api, definitionIds: [OTHER_DEFINITION, DEFINITION] });
    // Its first cycle: OTHER_DEFINITION is served, DEFINITION rate limited.
    api.failRequest(api.requests.length + 1, { status: 429, retryAfterSeconds: 1 });
    const other = await monitorOf(rotated);
    await other.pollOnce();
    await other.pollOnce();
    const definitionOf = (request: Request) => new URL(request.url).pathname.split("/")[6];
    expect(api.requests.slice(1).map(definitionOf)).toEqual([
      OTHER_DEFINITION,
      DEFINITION,
      DEFINITION,
      OTHER_DEFINITION,
    ]);
  });

  it("5xx and network faults: logged, the other definitions still polled, backoff doubles, then resets", async () => {
    const api = createApi({ [DEFINITION]: [], [OTHER_DEFINITION]: [instance(ago(1))] });
    const s = setup({ api, definitionIds: [DEFINITION, OTHER_DEFINITION], maxBackoffMs: 5 * 60_000 });
    const monitor = await monitorOf(s);
    api.store.failNext(1, { status: 503 });
    const first = await monitor.pollOnce();
    expect(first.failures.map((f) => f.error)).toEqual([expect.any(InternalServerError)]);
    expect(first.alerts).toHaveLength(1); // OTHER_DEFINITION was polled all the same
    // Equal jitter with random 0.5: ¾ of min(max, interval · 2ⁿ).
    expect(first.nextPollInMs).toBe(90_000);
    api.failRequest(api.requests.length, "network");
    const second = await monitor.pollOnce();
    expect(second.failures.map((f) => f.error)).toEqual([expect.any(WorkflowsConnectionError)]);
    expect(second.nextPollInMs).toBe(180_000);
    api.store.failNext(2, { status: 500 });
    expect((await monitor.pollOnce()).nextPollInMs).toBe(225_000); // capped: ¾ of 5 min
    expect((await monitor.pollOnce()).nextPollInMs).toBe(60_000);
  });

  it("a walk that fails part-way reports what its complete pages held", async () => {
    const list = [1, 2, 3].map((m) => instance(ago(m)));
    const s = setup({ api: createApi({ [DEFINITION]: list }), pageSize: 2 });
    s.api.failRequest(1, { status: 502 }); // the second page
    const partial = await (await monitorOf(s)).pollOnce();
    expect(partial.alerts.map((a) => a.workflowId)).toEqual([list[1]?.workflowId, list[0]?.workflowId]);
    expect(partial.failures.map((f) => f.error)).toEqual([expect.any(InternalServerError)]);
  });

  it.each([
    ["an unknown definition (404)", (s: Setup) => s.api.store.setDefinitions([]), NotFoundError],
    ["a rejected key (401)", (s: Setup) => s.api.store.setApiKeys(["another-key"]), AuthenticationError],
  ])(
    "%s is not retried by the monitor: pollOnce throws it, and the checkpoint keeps nothing of it",
    async (_name, refuse, type) => {
      const s = setup();
      const monitor = await monitorOf(s);
      refuse(s);
      await expect(monitor.pollOnce()).rejects.toBeInstanceOf(type);
      expect(s.api.requests).toHaveLength(1);
      expect(monitor.snapshot().definitions).toEqual([]);
    },
  );

  it("a sink that is down: the alert stays pending, nothing else is delivered, and it goes out next cycle", async () => {
    const list = [instance(ago(2)), instance(ago(1))];
    const api = createApi({ [DEFINITION]: list, [OTHER_DEFINITION]: [] });
    const s = setup({ api, definitionIds: [DEFINITION, OTHER_DEFINITION] });
    const monitor = await monitorOf(s);
    s.sink.failing = true;
    const failed = await monitor.pollOnce();
    expect(failed.alerts).toEqual([]);
    expect(failed.failures).toEqual([
      { definitionId: DEFINITION, error: expect.objectContaining({ name: "DeliveryError" }) },
    ]);
    expect(failed.nextPollInMs).toBe(90_000);
    expect(api.requests).toHaveLength(1);
    expect(monitor.snapshot().definitions).toEqual([]); // nothing reported, nothing to remember
    s.sink.failing = false;
    await monitor.pollOnce();
    expect(s.sink.ids).toEqual(list.map((i) => i.workflowId));
  });

  it("an abort mid-poll rejects and marks nothing reported", async () => {
    const s = setup({ api: createApi({ [DEFINITION]: [instance(ago(1))] }) });
    const monitor = await monitorOf(s);
    const controller = new AbortController();
    controller.abort("SIGTERM");
    await expect(monitor.pollOnce(controller.signal)).rejects.toThrow();
    expect(monitor.snapshot().definitions).toEqual([]);
  });
});

describe("run()", () => {
  it("polls every interval, writes the checkpoint after each cycle, and once more when stopped", async () => {
    const s = setup({ api: createApi({ [DEFINITION]: [instance(ago(1))] }) });
    const monitor = await monitorOf(s);
    const controller = new AbortController();
    const running = monitor.run(controller.signal);
    expect((await nextWait(s.clock)).ms).toBe(60_000);
    expect(JSON.parse(s.store.text ?? "").definitions[0].reported).not.toEqual({});
    s.api.store.insertInstances(DEFINITION, [instance(ago(-1))]);
    await s.clock.advance(60_000);
    expect((await nextWait(s.clock)).ms).toBe(60_000);
    expect(s.api.requests).toHaveLength(2);
    expect(s.sink.alerts).toHaveLength(2);
    controller.abort("SIGTERM");
    await running;
    expect(JSON.parse(s.store.text ?? "").savedAt).toBe("2021-07-01T00:01:00.000Z");
  });

  it("sleeps what pollOnce asked for after a 429", async () => {
    const s = setup();
    s.api.store.failNext(1, { status: 429, retryAfterSeconds: 300 });
    const controller = new AbortController();
    const running = (await monitorOf(s)).run(controller.signal);
    expect((await nextWait(s.clock)).ms).toBe(300_000);
    controller.abort();
    await running;
  });

  it("a checkpoint that cannot be written is logged and polling goes on", async () => {
    const s = setup();
    const store = memoryCheckpointStore();
    let failures = 1;
    s.options.checkpoint = {
      load: store.load,
      save: async (c, at) => {
        if (failures-- > 0) throw new Error("disk full");
        await store.save(c, at);
      },
    };
    const controller = new AbortController();
    const running = (await monitorOf(s)).run(controller.signal);
    await nextWait(s.clock);
    expect(s.logs).toContainEqual({
      level: "error",
      event: "checkpoint_failed",
      fields: { error: "Error", message: "disk full" },
    });
    controller.abort();
    await running;
    expect(store.text).toBeDefined();
  });

  it("a fatal error ends run() after writing the checkpoint", async () => {
    const s = setup({ api: createApi({ [DEFINITION]: [instance(ago(1))] }) });
    const monitor = await monitorOf(s);
    const ended = rejectionOf(monitor.run()); // handled from the start: it rejects while time advances
    await nextWait(s.clock);
    s.api.store.failNext(1, { status: 404, code: 1300 });
    await s.clock.advance(60_000);
    expect(await ended).toBeInstanceOf(NotFoundError);
    expect(Object.keys(JSON.parse(s.store.text ?? "").definitions[0].reported)).toHaveLength(1);
  });
});
