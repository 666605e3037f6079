import { describe, expect, it } from "vitest";
import { LocalBus } from "../bus";
import { LiveState, type BusEvent } from "../state";
import { FeedSink } from "./feed-sink";

const ids = { sites: ["S-0", "S-1", "S-2"], datacentres: ["D-0"], chargers: ["C-0", "C-1"], sensors: ["T-0"] };
const TS = 1_764_000_000_000;

async function setup() {
  const state = new LiveState(ids);
  const bus = new LocalBus();
  await bus.start({
    apply: (e) => state.apply(e),
    checkpoint: () => state.toCheckpoint(),
    load: () => {},
    onLeader: () => {},
  });
  return { state, sink: new FeedSink(state, bus) };
}

describe("FeedSink: real feeds own their objects", () => {
  it("drops the simulator's rows and alarms for claimed objects, keeps the rest column-aligned", async () => {
    const { sink } = await setup();
    await sink.submit([{ layer: "sites", id: "S-1", ts: TS, status: 2 }]);
    expect(sink.claims.count).toBe(1);
    const sim: BusEvent[] = [
      { t: "u", layer: "sites", ts: TS, idx: [0, 1, 2], st: [0, 0, 1], m: { load: [100, 200, 300] }, rts: [1, 2, 3] },
      { t: "u", layer: "chargers", ts: TS, idx: [0], st: [0], m: {} },
      {
        t: "a",
        op: "raise",
        alarm: {
          id: "S1-x",
          layer: "sites",
          objectId: "S-1",
          objectIndex: 1,
          kind: "site-down",
          severity: "critical",
          raisedAt: TS,
          text_zh: "x",
          text_en: "x",
        },
      },
    ];
    expect(sink.claims.filter(sim)).toEqual([
      { t: "u", layer: "sites", ts: TS, idx: [0, 2], st: [0, 1], m: { load: [100, 300] }, rts: [1, 3] },
      { t: "u", layer: "chargers", ts: TS, idx: [0], st: [0], m: {} },
    ]);
  });

  it("clears the simulator's active alarms on an object when a real feed first reports it", async () => {
    const { state, sink } = await setup();
    state.apply({
      t: "a",
      op: "raise",
      alarm: {
        id: "Sabc-1",
        layer: "chargers",
        objectId: "C-1",
        objectIndex: 1,
        kind: "charger-offline",
        severity: "major",
        raisedAt: TS,
        text_zh: "x",
        text_en: "x",
      },
    });
    const r = await sink.submit([{ layer: "chargers", id: "C-1", ts: TS + 5, status: 0 }], TS + 10);
    expect(r).toEqual({ accepted: 1, rejected: [] });
    expect(state.alarms.activeFor("chargers", "C-1", "charger-offline")).toBeUndefined();
    expect(state.alarms.get("Sabc-1")?.clearedAt).toBe(TS + 10);
    expect(state.layers.chargers.status[1]).toBe(0);
  });
});
