/**
 * The recorded outage set over time, from a real SQLite history store: the set at `from` (state at T) and the flips
 * after it, across a keyframe; status changes that keep a site down (fault -> offline) or in service (ok -> warning)
 * are not changes.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LiveState, type UpdateEvent } from "../state";
import { captureLayers, compress, encodeEvents, encodeKeyframe } from "./codec";
import { OutageTracker, outageHistory } from "./outages";
import { HistoryReader } from "./reader";
import { SqliteHistory } from "./sqlite";
import type { NewBlock } from "./store";

const IDS = { sites: ["s0", "s1", "s2"], datacentres: ["d0"], chargers: ["c0"], sensors: ["n0"] };
const ev = (ts: number, idx: number[], st: number[]): UpdateEvent => ({ t: "u", layer: "sites", ts, idx, st, m: {} });
async function block(kind: "k" | "d", t0: number, t1: number, raw: Buffer): Promise<NewBlock> {
  return { kind, t0, t1, records: 0, rawBytes: raw.length, data: await compress(raw) };
}

describe("outage history", () => {
  const store = new SqliteHistory(join(mkdtempSync(join(tmpdir(), "rt-outages-")), "h.db"));
  afterAll(() => store.close());

  it("the tracker lists only flips between down (fault/offline) and in service", () => {
    const tr = new OutageTracker([0, 2, 4]);
    expect(tr.downSlots()).toEqual([1]);
    tr.apply(10, ev(10, [0, 1, 2], [1, 3, 0])); // ok -> warning, fault -> offline, unknown -> ok: none
    tr.apply(20, ev(20, [0, 1], [2, 0])); // s0 down, s1 back
    tr.apply(30, { ...ev(30, [0], [3]), layer: "chargers" }); // another layer: ignored
    tr.apply(40, ev(40, [2, 9], [3, 2])); // s2 down; an index past the layer is ignored
    expect(tr.changes).toEqual([
      [20, 0, 1],
      [20, 1, 0],
      [40, 2, 1],
    ]);
    expect(tr.downSlots()).toEqual([0, 2]);
  });

  it("the set at `from` and its changes up to `to`, across a keyframe", async () => {
    const live = new LiveState(IDS);
    const evs = [
      ev(1000, [0, 1, 2], [0, 0, 0]),
      ev(2000, [1, 2], [2, 1]), // s1 fault (down), s2 warning
      ev(3000, [1], [3]), // s1 fault -> offline: still down
      ev(3500, [0], [2]), // s0 down
      ev(4000, [1], [0]), // s1 back
    ];
    await store.write([await block("k", 1000, 1000, encodeKeyframe(captureLayers(live.layers)))], [], []);
    const timed = evs.map((e) => ({ t: e.ts, ev: e }));
    await store.write([await block("d", 1000, 3000, encodeEvents(timed.slice(0, 3)))], [], []);
    for (const e of evs.slice(0, 3)) live.apply(e);
    await store.write([await block("k", 3200, 3200, encodeKeyframe(captureLayers(live.layers)))], [], []);
    await store.write([await block("d", 3500, 4000, encodeEvents(timed.slice(3)))], [], []);
    const h = { store, reader: new HistoryReader(store, IDS) };
    const ids = IDS.sites;

    expect(await outageHistory(h, 500, 900, ids)).toBeUndefined(); // before the first keyframe
    // a window reaching back before the record starts at its first keyframe (1000: the state after event 1)
    expect(await outageHistory(h, 500, 1500, ids)).toMatchObject({ from: 1000, down: [], changes: [] });
    expect(await outageHistory(h, 1500, 4000, ids)).toMatchObject({
      from: 1500,
      to: 4000,
      down: [],
      changes: [
        [2000, "s1", 1],
        [3500, "s0", 1],
        [4000, "s1", 0],
      ],
    });
    expect(await outageHistory(h, 2500, 3600, ids)).toMatchObject({ down: ["s1"], changes: [[3500, "s0", 1]] });
    // from after the second keyframe: the set is read from it
    expect(await outageHistory(h, 3600, 5000, ids)).toMatchObject({ down: ["s0", "s1"], changes: [[4000, "s1", 0]] });
    // an event exactly at `from` is part of the set, not a change
    expect(await outageHistory(h, 2000, 2000, ids)).toMatchObject({ down: ["s1"], changes: [] });
  });
});
