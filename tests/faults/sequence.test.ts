/**
 * Duplicated, reordered and missing sequence numbers.
 *  1. The client model on its own, with a hand-worked 3-object layer: exactly what applyDelta decides for each
 *     case and what the digest is afterwards.
 *  2. The real client (connectLive) against a real gateway process, with its incoming `delta` stream mangled by
 *     a seeded fault injector for 6 s (drop 10 %, duplicate 15 %, hold back and deliver after the next one 15 %):
 *     it must detect every gap, ask for resyncs, ignore duplicates, and — after the fault, with the simulator
 *     frozen — hold exactly the gateway's digest and alarm list.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectLiveConnection } from "../../src/live/client";
import type { LayerId } from "../../src/protocol/data";
import { layerDigest } from "../../src/protocol/digest";
import { PROTOCOL_VERSION, type Delta, type Snapshot } from "../../src/protocol/live";
import { Rng } from "../../src/protocol/prng";
import { createLiveModel } from "../../src/state/live-store";
import {
  freePort,
  freezeAndCompare,
  liveClient,
  resume,
  sleep,
  startGateway,
  until,
  type GatewayProc,
} from "./harness";

describe("client model: duplicate, reordered and missing deltas (hand-worked)", () => {
  const ids = ["S1", "S2", "S3"];
  const snap = (seq: number): Snapshot => ({
    v: PROTOCOL_VERSION,
    layer: "sensors",
    epoch: "e1",
    seq,
    idsHash: "",
    count: 3,
    ts: 1000,
    status: [0, 0, 0],
    lastSeen: [1000, 1000, 1000],
    metrics: { flowVph: [100, 200, 300], speedKmh: [500, 500, 500], occupancy: [100, 100, 100], congestion: [0, 0, 0] },
  });
  // delta (prev, seq]: object `i` now has flow `flow` veh/h and status `st`
  const delta = (prev: number, seq: number, i: number, flow: number, st = 0, epoch = "e1"): Delta => ({
    v: PROTOCOL_VERSION,
    layer: "sensors",
    epoch,
    prev,
    seq,
    ts: 2000 + seq,
    idx: [i],
    status: [st],
    lastSeen: [2000 + seq],
    metrics: { flowVph: [flow], speedKmh: [400], occupancy: [200], congestion: [1] },
  });
  const setup = () => {
    const m = createLiveModel();
    const L = m.ensureLayer("sensors", ids);
    expect(m.applySnapshot({ ...snap(10), idsHash: L.idsHash })).toBe(true);
    return { m, L };
  };

  it("applies in order, ignores a duplicate, reports a gap, reports a foreign epoch", () => {
    const { m, L } = setup();
    expect(m.applyDelta(delta(10, 11, 0, 150))).toBe("apply");
    expect(L.metrics.flowVph[0]).toBe(150);
    const d11 = m.digest(["sensors"]);
    expect(m.applyDelta(delta(10, 11, 0, 999))).toBe("duplicate"); // same range again (even with other values)
    expect(m.applyDelta(delta(9, 10, 1, 999))).toBe("duplicate"); // older than what we hold
    expect(L.metrics.flowVph[0]).toBe(150);
    expect(L.metrics.flowVph[1]).toBe(200);
    expect(m.digest(["sensors"])).toBe(d11);
    expect(m.applyDelta(delta(12, 13, 2, 350))).toBe("gap"); // (11, 12] never arrived
    expect(L.seq).toBe(11);
    expect(L.metrics.flowVph[2]).toBe(300); // nothing from the gapped delta applied
    expect(m.applyDelta(delta(11, 12, 2, 320, 0, "e2"))).toBe("epoch"); // a restarted gateway's lineage
    expect(m.stats).toMatchObject({ deltas: 1, duplicates: 2, gaps: 2 });
  });

  it("a delta covering (prev, seq] with prev below ours still applies (idempotent full-state records)", () => {
    const { m, L } = setup();
    expect(m.applyDelta(delta(10, 12, 1, 250))).toBe("apply"); // one batch spanning 11..12
    expect(m.applyDelta(delta(11, 13, 1, 260))).toBe("apply"); // overlaps what we have: prev 11 <= 12 < 13
    expect([L.seq, L.metrics.flowVph[1]]).toEqual([13, 260]);
    // worked digest: same function as the gateway's over seq 13, statuses [0,0,0], flows [100,260,300]
    const expected = layerDigest("sensors", {
      seq: 13,
      status: [0, 0, 0],
      metrics: { flowVph: [100, 260, 300], speedKmh: [50, 40, 50], occupancy: [0.1, 0.2, 0.1], congestion: [0, 1, 0] },
    });
    expect(m.digest(["sensors"])).toBe(`sensors@13:${expected}`);
  });

  it("reordered: the later delta first is a gap; the snapshot that answers the resync wins", () => {
    const { m, L } = setup();
    expect(m.applyDelta(delta(11, 12, 0, 170))).toBe("gap");
    expect(m.applyDelta(delta(10, 11, 0, 160))).toBe("apply"); // the late one still applies in order
    expect(m.applyDelta(delta(11, 12, 0, 170))).toBe("apply"); // and the re-delivered next one
    expect(L.metrics.flowVph[0]).toBe(170);
    expect(
      m.applySnapshot({ ...snap(12), idsHash: L.idsHash, metrics: { ...snap(12).metrics, flowVph: [170, 200, 300] } }),
    ).toBe(true);
    expect(m.applyDelta(delta(11, 12, 0, 1))).toBe("duplicate");
    expect(L.metrics.flowVph[0]).toBe(170);
  });
});

describe("real client, mangled delta stream from a real gateway process", () => {
  let gw: GatewayProc;
  let c: DirectLiveConnection;
  const LAYERS: LayerId[] = ["sites", "chargers", "sensors"];
  beforeAll(async () => {
    gw = await startGateway(await freePort(), { SIM_REPORT_MS: "300" });
    c = liveClient(gw.url, LAYERS);
    await c.ready;
  }, 90_000);
  afterAll(async () => {
    c?.close();
    await gw?.kill();
  });

  it("detects every gap, ignores duplicates, resyncs, and ends equal to the gateway", async () => {
    const rng = new Rng(2026);
    const socket = c.socket;
    const [handler] = socket.listeners("delta") as ((raw: unknown) => void)[];
    socket.off("delta", handler);
    const held: unknown[] = [];
    const counts = { delivered: 0, dropped: 0, duplicated: 0, reordered: 0 };
    let mangling = true;
    const mangler = (raw: unknown) => {
      if (!mangling) {
        for (const h of held.splice(0)) handler(h);
        return handler(raw);
      }
      const x = rng.next();
      if (x < 0.1) return void counts.dropped++;
      if (x < 0.25) {
        counts.duplicated++;
        handler(raw);
        handler(raw);
      } else if (x < 0.4) {
        counts.reordered++;
        held.push(raw); // delivered after the next one
        return;
      } else handler(raw);
      counts.delivered++;
      for (const h of held.splice(0)) handler(h);
    };
    socket.on("delta", mangler);
    const before = { ...c.model.stats };
    await sleep(6000);
    mangling = false;
    for (const h of held.splice(0)) handler(h);
    await sleep(1500); // the fault is over: clean stream, outstanding resyncs answered
    const st = c.model.stats;
    console.log(
      `[faults/sequence] injected ${JSON.stringify(counts)}; client: gaps +${st.gaps - before.gaps}, duplicates +${st.duplicates - before.duplicates}, resyncs +${st.resyncs - before.resyncs}, snapshots +${st.snapshots - before.snapshots}`,
    );
    expect(counts.dropped).toBeGreaterThan(3);
    expect(counts.duplicated).toBeGreaterThan(3);
    expect(counts.reordered).toBeGreaterThan(3);
    expect(st.gaps - before.gaps).toBeGreaterThan(0);
    // a duplicate that arrives while its layer waits for a resync snapshot is buffered, not counted: some, not all
    expect(st.duplicates - before.duplicates).toBeGreaterThan(0);
    expect(st.resyncs - before.resyncs).toBeGreaterThan(0);
    expect(st.snapshots - before.snapshots).toBeGreaterThan(0);
    await until(() => c.store.getState().connection.state === "connected", 1000, "still connected");
    await freezeAndCompare(c, gw.url, LAYERS);
    await resume(gw.url);
  }, 60_000);
});
