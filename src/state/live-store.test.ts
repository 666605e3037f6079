import { describe, expect, it } from "vitest";
import { LayerState } from "../server/state";
import { createLiveModel } from "./live-store";

const ids = ["A", "B", "C", "D"];
const ev = (idx: number[], st: number[], load: number[]) => ({
  t: "u" as const,
  layer: "sites" as const,
  ts: 1000,
  idx,
  st,
  m: { load, s0: load, s1: load, s2: load, users: idx.map((i) => 10 * i) },
});

describe("live store", () => {
  it("applies snapshot then deltas, ignores duplicates, detects gaps, and digests like the gateway", () => {
    const server = new LayerState("sites", ids);
    server.apply(ev([0, 1, 2, 3], [0, 0, 1, 0], [100, 200, 300, 400])); // seq 1
    server.flush("E", 1);
    const m = createLiveModel({ staleMs: 5000 });
    m.ensureLayer("sites", ids);
    m.store.setState({ subscribed: ["sites"] });
    expect(m.applySnapshot(server.snapshot("E", 1), 0)).toBe(true);
    expect(Array.from(m.drainChanges("sites"))).toEqual([0, 1, 2, 3]);
    expect(m.drainChanges("sites").length).toBe(0);
    expect(m.digest()).toBe(`sites@1:${server.digest()}`);

    server.apply(ev([2], [2], [555])); // seq 2
    server.apply(ev([3], [3], [0])); // seq 3
    const d1 = server.flush("E", 2)!;
    expect(d1).toMatchObject({ prev: 1, seq: 3, idx: [2, 3], status: [2, 3] });
    expect(m.applyDelta(d1, 10)).toBe("apply");
    expect(Array.from(m.drainChanges("sites"))).toEqual([2, 3]);
    const L = m.store.getState().layers.sites!;
    expect(L.status[2]).toBe(2);
    expect(L.metrics.load[2]).toBeCloseTo(0.555, 6);
    expect(m.digest()).toBe(`sites@3:${server.digest()}`);
    expect(m.applyDelta(d1, 11)).toBe("duplicate");

    server.apply(ev([0], [1], [1])); // seq 4 — this delta is "lost"
    server.flush("E", 3);
    server.apply(ev([1], [1], [2])); // seq 5
    const d3 = server.flush("E", 4)!;
    expect(m.applyDelta(d3, 12)).toBe("gap");
    expect(m.store.getState().layers.sites!.seq).toBe(3); // nothing applied
    // resync: a fresh snapshot restores equality
    expect(m.applySnapshot(server.snapshot("E", 5), 13)).toBe(true);
    expect(m.digest()).toBe(`sites@5:${server.digest()}`);
    // a delta from another epoch (gateway restarted) also forces a resync
    expect(m.applyDelta({ ...d3, epoch: "OTHER", prev: 5, seq: 6 }, 14)).toBe("epoch");
    expect(m.stats).toMatchObject({ snapshots: 2, deltas: 1, duplicates: 1, gaps: 2 });
  });

  it("marks objects without updates stale (status 4), keeps lastSeen, and digest ignores staleness", () => {
    const server = new LayerState("sites", ids);
    server.apply(ev([0, 1, 2, 3], [0, 1, 0, 0], [1, 2, 3, 4]));
    server.flush("E", 1);
    const m = createLiveModel({ staleMs: 5000 });
    m.ensureLayer("sites", ids);
    m.store.setState({ subscribed: ["sites"] });
    m.applySnapshot(server.snapshot("E", 1), 0);
    m.drainChanges("sites");
    const before = m.digest();
    server.apply(ev([1], [1], [9]));
    m.applyDelta(server.flush("E", 2)!, 4000); // B refreshed at t=4000
    m.drainChanges("sites");
    expect(m.markStale(6000)).toBe(3); // A, C, D last updated at t=0
    const L = m.store.getState().layers.sites!;
    expect(Array.from(L.status)).toEqual([4, 1, 4, 4]);
    expect(Array.from(L.reported)).toEqual([0, 1, 0, 0]);
    expect(L.lastSeen[0]).toBe(1000);
    expect(L.staleCount).toBe(3);
    expect(Array.from(m.drainChanges("sites"))).toEqual([0, 2, 3]);
    expect(m.digest()).not.toBe(before); // B changed
    expect(m.digest()).toBe(`sites@2:${server.digest()}`);
    m.commit();
    expect(m.store.getState().layers.sites!.version).toBeGreaterThan(0);
  });

  it("rejects a snapshot for a different object list", () => {
    const server = new LayerState("sites", ["A", "B", "X", "D"]);
    const m = createLiveModel();
    m.ensureLayer("sites", ids);
    expect(m.applySnapshot(server.snapshot("E", 1))).toBe(false);
    expect(m.store.getState().layers.sites!.mismatch).toContain("differ");
  });

  it("keeps the alarm list ordered and applies raise/ack/clear", () => {
    const m = createLiveModel();
    const base = { layer: "sites" as const, objectIndex: 0, text_zh: "x", text_en: "x" };
    m.applyAlarmList([
      { ...base, id: "1", objectId: "A", kind: "site-degraded", severity: "minor", raisedAt: 5 },
      { ...base, id: "2", objectId: "B", kind: "site-down", severity: "critical", raisedAt: 1 },
    ]);
    m.applyAlarmEvent({
      v: 1,
      op: "raise",
      alarm: { ...base, id: "3", objectId: "C", kind: "pue-high", severity: "major", raisedAt: 9 },
    });
    expect(m.store.getState().alarms.map((a) => a.id)).toEqual(["2", "3", "1"]);
    m.applyAlarmEvent({
      v: 1,
      op: "ack",
      alarm: {
        ...base,
        id: "3",
        objectId: "C",
        kind: "pue-high",
        severity: "major",
        raisedAt: 9,
        ackedAt: 10,
        ackedBy: "op",
      },
    });
    m.applyAlarmEvent({
      v: 1,
      op: "clear",
      alarm: { ...base, id: "2", objectId: "B", kind: "site-down", severity: "critical", raisedAt: 1, clearedAt: 11 },
    });
    const list = m.store.getState().alarms;
    expect(list.map((a) => a.id)).toEqual(["3", "1", "2"]);
    expect(list[0].ackedBy).toBe("op");
    expect(list[2].clearedAt).toBe(11);
  });
});
