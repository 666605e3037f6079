import { describe, expect, it } from "vitest";
import { makeFixture } from "../../testing/fixture";
import { sleep } from "../../testing/wait";
import { LocalBus } from "../bus";
import type { BusEvent } from "../state";
import { SimRunner } from "./runner";

const data = makeFixture({ sites: 10, datacentres: 2, chargers: 4, roads: 1, sensorsPerRoad: 4 });

function runner(published: BusEvent[][]): SimRunner {
  const bus = new LocalBus();
  void bus.start({
    apply: () => {},
    checkpoint: () => {
      throw new Error("unused");
    },
    load: () => {},
    onLeader: () => {},
  });
  const publish = bus.publish.bind(bus);
  bus.publish = async (events) => {
    published.push(events);
    await publish(events);
  };
  return new SimRunner(
    data,
    bus,
    { seed: 1, speed: 60, startMs: Date.UTC(2026, 0, 1), tickMs: 20 },
    () => false,
    () => [],
  );
}

describe("simulator runner", () => {
  it("runs while started and stands still once stopped", async () => {
    const published: BusEvent[][] = [];
    const r = runner(published);
    await r.start();
    expect(r.running).toBe(true);
    await sleep(200);
    r.stop();
    expect(r.running).toBe(false);
    const n = published.length;
    expect(n).toBeGreaterThan(0);
    await sleep(100);
    expect(published.length).toBe(n);
  });

  it("a stop while the start still waits on the bus cancels that start", async () => {
    const r = runner([]);
    const starting = r.start();
    r.stop();
    await starting;
    expect(r.running).toBe(false);
    await r.start();
    expect(r.running).toBe(true);
    r.stop();
  });

  it("two starts at once run one clock, which stop() stops", async () => {
    const published: BusEvent[][] = [];
    const r = runner(published);
    await Promise.all([r.start(), r.start()]);
    await sleep(100);
    r.stop();
    const n = published.length;
    expect(n).toBeGreaterThan(0);
    await sleep(100);
    expect(published.length).toBe(n);
  });
});
