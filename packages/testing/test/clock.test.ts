import { describe, expect, it } from "vitest";
import { createVirtualClock, VIRTUAL_EPOCH } from "../src/index.js";

const sleep = (clock: ReturnType<typeof createVirtualClock>, ms: number) =>
  new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), ms));

describe("createVirtualClock", () => {
  it("moves only when told, firing due timers in order (equal due times in the order set)", async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b"), 20);
    clock.setTimeout(() => fired.push("a"), 10);
    clock.setTimeout(() => fired.push("c"), 20);
    const cleared = clock.setTimeout(() => fired.push("never"), 5);
    clock.clearTimeout(cleared);
    expect(clock.now()).toBe(VIRTUAL_EPOCH);
    await clock.advance(15);
    expect(fired).toEqual(["a"]);
    expect(clock.now()).toBe(VIRTUAL_EPOCH + 15);
    await clock.advance(5);
    expect(fired).toEqual(["a", "b", "c"]);
    expect(clock.timers.map((t) => [t.ms, t.state])).toEqual([
      [20, "fired"],
      [10, "fired"],
      [20, "fired"],
      [5, "cleared"],
    ]);
  });

  it("applies Node's rules to out-of-range delays (below 1 ms or past 2^31-1 ms: 1 ms)", () => {
    const clock = createVirtualClock(0);
    for (const ms of [0, -5, Number.NaN, 2 ** 31]) clock.setTimeout(() => {}, ms);
    expect(clock.pending().map((t) => t.dueAt)).toEqual([1, 1, 1, 1]);
  });

  it("run() settles a promise by jumping from timer to timer, including timers set along the way", async () => {
    const clock = createVirtualClock(0);
    const chain = async () => {
      const first = await sleep(clock, 1_000);
      const second = await sleep(clock, 60_000);
      return [first, second];
    };
    expect(await clock.run(chain())).toEqual([1_000, 61_000]);
  });

  it("run() rejects instead of hanging when the promise waits on something no timer brings", async () => {
    const clock = createVirtualClock();
    await expect(clock.run(new Promise(() => {}))).rejects.toThrow(/no timer is set/);
  });

  it("timerSet() resolves on the event of a matching timer being set", async () => {
    const clock = createVirtualClock();
    const seen = clock.timerSet((t) => t.ms === 250);
    clock.setTimeout(() => {}, 30_000);
    clock.setTimeout(() => {}, 250);
    expect((await seen).ms).toBe(250);
    expect((await clock.timerSet((t) => t.ms === 30_000)).state).toBe("pending");
  });
});
