// SIGINT/SIGTERM wiring of the bin, on a fake process: the first stops, a second one forces the exit.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { stopOnSignals } from "../src/index.js";

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const stop = stopOnSignals(emitter, (code) => exits.push(code));
  return { emitter, exits, stop };
}

describe("stopOnSignals", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("the first %s aborts with its name; a second one exits %d", (signal, code) => {
    const { emitter, exits, stop } = fakeProcess();
    expect(stop.signal.aborted).toBe(false);
    emitter.emit(signal, signal);
    expect(stop.signal.aborted).toBe(true);
    expect(stop.signal.reason).toBe(signal);
    expect(exits).toEqual([]);
    emitter.emit(signal, signal);
    expect(exits).toEqual([code]);
  });

  it("dispose removes its listeners", () => {
    const { emitter, stop } = fakeProcess();
    expect(emitter.listenerCount("SIGINT") + emitter.listenerCount("SIGTERM")).toBe(2);
    stop.dispose();
    expect(emitter.listenerCount("SIGINT") + emitter.listenerCount("SIGTERM")).toBe(0);
  });
});
