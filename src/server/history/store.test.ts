/**
 * History store contract, run on SQLite and on a real PostgreSQL server: codec round trip, seeking (keyframe +
 * deltas), alarm filters and state-at-T alarms, KPI samples, retention.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasPostgres, POSTGRES_URL } from "../../testing";
import type { Alarm } from "../../protocol/live";
import { LiveState, type UpdateEvent } from "../state";
import { captureLayers, compress, decodeEvents, decompress, encodeEvents, encodeKeyframe } from "./codec";
import { PostgresHistory } from "./postgres";
import { HistoryReader } from "./reader";
import { bucketKpis, csvCell } from "./routes";
import { SqliteHistory } from "./sqlite";
import type { HistoryStore, NewBlock } from "./store";

const IDS = {
  sites: ["s0", "s1", "s2"],
  datacentres: ["d0"],
  chargers: ["c0", "c1"],
  sensors: ["n0"],
};
const siteEv = (ts: number, idx: number[], st: number[], load: (number | null)[]): UpdateEvent => ({
  t: "u",
  layer: "sites",
  ts,
  idx,
  st,
  m: { load },
});
const alarm = (id: string, raisedAt: number, extra: Partial<Alarm> = {}): Alarm => ({
  id,
  layer: "sites",
  objectId: "s1",
  objectIndex: 1,
  kind: "site-down",
  severity: "critical",
  raisedAt,
  text_zh: "基站退服",
  text_en: "site down",
  ...extra,
});

describe("history codec", () => {
  it("round-trips update events exactly, nulls and rts included", async () => {
    const evs = [
      { t: 1000, ev: siteEv(1000, [0, 2], [1, -1], [500, null]) },
      { t: 1005, ev: { ...siteEv(1004, [1], [2], [999]), rts: [990] } },
    ];
    const raw = encodeEvents(evs);
    // 2 headers (1+8+8+4+1+2 = 24 B) + event 1: 2x(4+1) idx/st + 2x4 load = 18 B; event 2: 5 + 4 + 8 rts = 17 B
    expect(raw.length).toBe(24 * 2 + 18 + 17);
    const back = decodeEvents(await decompress(await compress(raw)));
    expect(back).toEqual(evs);
  });

  it("csv cells quote commas and quotes and defuse formulas; KPI buckets average per step", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvCell(-3.5)).toBe("-3.5");
    const p = (t: number, a: number | null) => ({ t, availability: a, pue: 1.5, chargerUtil: null, congestion: 2 });
    // step 60 s from 0: samples at 0 s, 30 s -> bucket 0 (avg 0.9 of 0.8 and 1.0); 70 s -> bucket 1 (null skipped)
    const out = bucketKpis([p(0, 0.8), p(30_000, 1.0), p(70_000, null)], 0, 60_000);
    expect(out.length).toBe(2);
    expect(out[0].availability).toBeCloseTo(0.9, 12);
    expect(out[1]).toEqual({ t: 60_000, availability: null, pue: 1.5, chargerUtil: null, congestion: 2 });
  });
});

async function block(kind: "k" | "d", t0: number, t1: number, raw: Buffer, records = 0): Promise<NewBlock> {
  return { kind, t0, t1, records, rawBytes: raw.length, data: await compress(raw) };
}

function contract(name: string, open: () => Promise<HistoryStore>, enabled: () => boolean) {
  describe.skipIf(!enabled())(`history store contract: ${name}`, () => {
    let store: HistoryStore;
    afterAll(async () => {
      if (store instanceof PostgresHistory) await store.dropSchema();
      await store?.close();
    });

    it("seeks: keyframe + deltas give the same state and digest as applying the events live", async () => {
      store = await open();
      const live = new LiveState(IDS);
      const digests: [number, string][] = [];
      await store.write([await block("k", 1000, 1000, encodeKeyframe(captureLayers(live.layers)))], [], []);
      const evs = [
        siteEv(1000, [0], [0], [100]),
        siteEv(2000, [1, 2], [1, 2], [200, 300]),
        siteEv(3000, [0], [3], [null]),
        siteEv(4000, [2], [0], [50]),
      ];
      for (const ev of evs) {
        live.apply(ev);
        digests.push([ev.ts, live.digest().digest]);
      }
      const timed = evs.map((ev) => ({ t: ev.ts, ev }));
      await store.write([await block("d", 1000, 2000, encodeEvents(timed.slice(0, 2)), 3)], [], []);
      // a keyframe after event 2 in the earlier format (the checkpoint's base64 JSON: stores written before the
      // binary one still seek), then the rest
      const mid = new LiveState(IDS);
      for (const ev of evs.slice(0, 2)) mid.apply(ev);
      await store.write([await block("k", 2000, 2000, Buffer.from(JSON.stringify(mid.toCheckpoint().layers)))], [], []);
      await store.write([await block("d", 3000, 4000, encodeEvents(timed.slice(2)), 2)], [], []);

      const reader = new HistoryReader(store, IDS);
      expect(await reader.stateAt(999)).toBeUndefined();
      for (const [t, d] of digests) {
        const at = await reader.stateAt(t);
        expect(at!.state.digest().digest, `digest at ${t}`).toBe(d);
      }
      const at25 = await reader.stateAt(2500);
      expect(at25!.state.digest().digest).toBe(digests[1][1]);
      expect(Array.from(at25!.state.layers.sites.status)).toEqual([0, 1, 2]);
      expect(at25!.state.layers.sites.seq).toBe(2);
      expect(await store.range()).toEqual({ from: 1000, to: 4000 });
      const st = await store.stats();
      expect(st).toMatchObject({ blocks: 4, keyframes: 2, records: 5 });
    });

    it("keeps alarms with their acks; filters; alarms active at T hide later facts", async () => {
      await store.write(
        [],
        [alarm("a1", 1500), alarm("a2", 2500, { layer: "chargers", objectId: "c0", severity: "minor" })],
        [],
      );
      await store.write([], [alarm("a1", 1500, { ackedAt: 1800, ackedBy: "ops-1", clearedAt: 3500 })], []);
      const all = await store.alarms({ limit: 10 });
      expect(all.map((a) => a.id)).toEqual(["a2", "a1"]);
      expect(all[1]).toMatchObject({ ackedBy: "ops-1", clearedAt: 3500 });
      expect((await store.alarms({ layer: "chargers", limit: 10 })).map((a) => a.id)).toEqual(["a2"]);
      expect((await store.alarms({ severity: "critical", limit: 10 })).map((a) => a.id)).toEqual(["a1"]);
      expect((await store.alarms({ objectId: "s1", from: 3600, limit: 10 })).length).toBe(0);
      const reader = new HistoryReader(store, IDS);
      const at1600 = await reader.stateAt(1600);
      expect(at1600!.alarms).toHaveLength(1);
      expect(at1600!.alarms[0].ackedAt).toBeUndefined(); // acked only at 1800
      const at3000 = await reader.stateAt(3000);
      expect(at3000!.alarms.map((a) => [a.id, a.ackedBy])).toEqual([
        ["a1", "ops-1"],
        ["a2", undefined],
      ]);
      expect((await reader.stateAt(3600))!.alarms.map((a) => a.id)).toEqual(["a2"]);
      expect((await store.alarmsForRestart(3600, 10)).map((a) => a.id)).toEqual(["a2"]);
    });

    it("stores KPI samples and enforces retention, keeping the keyframe needed to seek to the cutoff", async () => {
      const k = (t: number) => ({ t, availability: 0.99, pue: 1.3, chargerUtil: 0.4, congestion: 1 });
      await store.write([], [], [k(1000), k(2000), k(3000)]);
      expect((await store.kpis(1500, 3000)).map((x) => x.t)).toEqual([2000, 3000]);
      const before = (await new HistoryReader(store, IDS).stateAt(3000))!.state.digest().digest;
      await store.prune(2500); // newest keyframe at or before 2500 is the one at 2000: the one at 1000 goes
      const st = await store.stats();
      expect(st.keyframes).toBe(1);
      expect((await store.range())!.from).toBe(2000);
      expect(await new HistoryReader(store, IDS).stateAt(1500)).toBeUndefined();
      expect((await new HistoryReader(store, IDS).stateAt(3000))!.state.digest().digest).toBe(before);
      expect((await store.kpis(0, 9999)).map((x) => x.t)).toEqual([3000]);
      expect((await store.alarms({ limit: 10 })).map((a) => a.id)).toEqual(["a2", "a1"]); // a1 cleared at 3500
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "rt-history-"));
contract(
  "SQLite",
  async () => new SqliteHistory(join(dir, "h.db")),
  () => true,
);
const pgOk = await hasPostgres("history store (PostgreSQL)");
const schema = `rt_hist_${process.pid}_${Date.now().toString(36)}`;
contract(
  "PostgreSQL",
  () => PostgresHistory.open(POSTGRES_URL, schema),
  () => pgOk,
);
