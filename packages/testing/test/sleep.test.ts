import { describe, expect, it } from "vitest";
import { createVirtualClock, rejectionOf, VIRTUAL_EPOCH, withSleep } from "../src/index.js";

describe("withSleep", () => {
  it("sleeps on the clock's timers: recorded, and woken only when time reaches them", async () => {
    const clock = withSleep(createVirtualClock());
    let woke = false;
    const sleeping = clock.sleep(1_000).then(() => {
      woke = true;
    });
    expect((await clock.timerSet()).ms).toBe(1_000);
    await clock.advance(999);
    expect(woke).toBe(false);
    await clock.advance(1);
    await sleeping;
    expect([woke, clock.now()]).toEqual([true, VIRTUAL_EPOCH + 1_000]);
  });

  it("rejects with the signal's reason, at once when aborted before, and clears its timer when aborted during", async () => {
    const clock = withSleep(createVirtualClock());
    expect(await rejectionOf(clock.sleep(10, AbortSignal.abort("before")))).toBe("before");
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort("SIGTERM");
    expect(await rejectionOf(sleeping)).toBe("SIGTERM");
    expect(clock.pending()).toEqual([]);
    expect(clock.timers.map((t) => t.state)).toEqual(["cleared"]);
  });

  it("is the client's clock too: one virtual time for both seams", async () => {
    const clock = withSleep(createVirtualClock());
    const order: string[] = [];
    clock.setTimeout(() => order.push("timer"), 20);
    const slept = clock.sleep(10).then(() => order.push("sleep"));
    await clock.run(slept);
    await clock.advance(10);
    expect(order).toEqual(["sleep", "timer"]);
  });
});
