import { describe, expect, it } from "vitest";
import { Encoder, Decoder } from "socket.io-msgpack-parser";
import {
  AckRequest,
  Alarm,
  Delta,
  IngestRecord,
  LAYER_METRICS,
  Snapshot,
  Subscribe,
  deltaAction,
  dequantise,
  parseMessage,
  quantise,
  type Delta as DeltaT,
} from "./live";
import { idsHash, layerDigest } from "./digest";

function realisticDelta(n: number, seed = 1): DeltaT {
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const idx = Array.from({ length: n }, () => Math.floor(rnd() * 30000)).sort((a, b) => a - b);
  const metrics: Record<string, number[]> = {};
  for (const m of LAYER_METRICS.sites)
    metrics[m] = idx.map(() => (m === "users" ? Math.round(rnd() * 800) : Math.round(rnd() * 1000)));
  return {
    v: 1,
    layer: "sites",
    epoch: "local-abc",
    prev: 1000,
    seq: 1001,
    ts: 1795929562931,
    idx,
    status: idx.map(() => (rnd() < 0.95 ? 0 : Math.floor(rnd() * 4))),
    lastSeen: idx.map(() => 1795929562931 - Math.round(rnd() * 3000)),
    metrics,
  };
}

/** msgpack via the socket.io-msgpack-parser encoder/decoder (the real alternative wire format) */
const msgpack = {
  encode(data: unknown): Buffer {
    return (new Encoder().encode({ type: 2, nsp: "/", data: ["m", data] }) as unknown as Buffer[])[0];
  },
  decode(buf: Buffer): unknown {
    let out: unknown;
    const dec = new Decoder();
    dec.on("decoded", (p: { data: unknown[] }) => (out = p.data[1]));
    dec.add(buf);
    return out;
  },
};

function socketIoRoundTrip(packet: object): unknown {
  const enc = new Encoder();
  const [wire] = enc.encode(packet) as unknown as unknown[];
  const dec = new Decoder();
  let out: unknown;
  dec.on("decoded", (p: unknown) => (out = p));
  dec.add(wire);
  return out;
}

describe("live protocol", () => {
  it("snapshot and delta survive a socket.io msgpack round trip and validate", () => {
    const d = realisticDelta(50);
    const back = socketIoRoundTrip({ type: 2, nsp: "/", data: ["delta", d] }) as { data: [string, unknown] };
    const r = parseMessage(Delta, back.data[1]);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toEqual(d);
    const snap = {
      v: 1,
      layer: "datacentres",
      epoch: "e",
      seq: 3,
      idsHash: "2-x",
      count: 2,
      ts: 1,
      status: [0, 2],
      lastSeen: [1, 2],
      metrics: Object.fromEntries(LAYER_METRICS.datacentres.map((m) => [m, [1, 2]])),
    };
    const sb = socketIoRoundTrip({ type: 2, nsp: "/", data: ["snapshot", snap] }) as { data: [string, unknown] };
    expect(parseMessage(Snapshot, sb.data[1])).toEqual({ ok: true, value: snap });
  });

  it("rejects wrong version, malformed and inconsistent messages with reasons", () => {
    expect(parseMessage(Subscribe, { v: 2, layers: ["sites"] })).toMatchObject({
      ok: false,
      code: "bad_version",
      reason: expect.stringContaining("expected v: 1"),
    });
    expect(parseMessage(Subscribe, { layers: ["sites"] })).toMatchObject({
      ok: false,
      code: "bad_version",
      reason: expect.stringContaining("missing"),
    });
    expect(parseMessage(Subscribe, "hello")).toMatchObject({
      ok: false,
      code: "invalid",
      reason: "message must be an object",
    });
    expect(parseMessage(Subscribe, [1, 2])).toMatchObject({ ok: false, code: "invalid" });
    expect(parseMessage(Subscribe, { v: 1, layers: ["bogus"] })).toMatchObject({
      ok: false,
      code: "invalid",
      reason: expect.stringMatching(/^layers\.0: /),
    });
    expect(parseMessage(Subscribe, { v: 1, layers: ["sites"], extra: 1 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("extra"),
    });
    expect(parseMessage(AckRequest, { v: 1, alarmId: "x".repeat(161) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^alarmId: /),
    });
    const d = realisticDelta(3);
    expect(parseMessage(Delta, { ...d, status: [0] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("status: expected 3 entries, got 1"),
    });
    expect(parseMessage(Delta, { ...d, seq: 1000 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("must be > prev"),
    });
    const { users: _u, ...noUsers } = d.metrics;
    expect(parseMessage(Delta, { ...d, metrics: noUsers })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("metrics.users: missing metric column"),
    });
  });

  it("alarm and ingest schemas enforce their fields", () => {
    const a = {
      id: "A1",
      layer: "sites",
      objectId: "5G-00001",
      objectIndex: 0,
      kind: "site-down",
      severity: "critical",
      raisedAt: 1,
      text_zh: "退服",
      text_en: "down",
    };
    expect(Alarm.safeParse(a).success).toBe(true);
    expect(Alarm.safeParse({ ...a, severity: "fatal" }).success).toBe(false);
    expect(Alarm.safeParse({ ...a, kind: "<script>" }).success).toBe(false);
    expect(IngestRecord.safeParse({ layer: "sites", id: "5G-00001", status: 2, ts: 1795929562931 }).success).toBe(true);
    expect(IngestRecord.safeParse({ layer: "sites", id: "5G-00001", status: 7, ts: 1795929562931 }).success).toBe(
      false,
    );
    expect(
      IngestRecord.safeParse({ layer: "sites", id: "<img onerror=x>", status: 1, ts: 1795929562931 }).success,
    ).toBe(false);
  });

  it("delta ordering rule: apply, duplicate, gap", () => {
    expect(deltaAction(10, 10, 11)).toBe("apply");
    expect(deltaAction(10, 8, 12)).toBe("apply"); // overlapping coalesced delta is safe: it carries full object state
    expect(deltaAction(10, 9, 10)).toBe("duplicate");
    expect(deltaAction(10, 11, 12)).toBe("gap");
  });

  it("quantisation round-trips and the digest is exact for float32 storage", () => {
    expect(quantise("datacentres", "pue", 1.3456)).toBe(1346);
    expect(dequantise("datacentres", "pue", 1346)).toBe(Math.fround(1.346));
    const status = new Uint8Array([0, 1, 2]);
    const metrics = Object.fromEntries(LAYER_METRICS.sites.map((m, k) => [m, Float32Array.from([0.123, 0.5, k])]));
    const a = layerDigest("sites", { seq: 5, status, metrics });
    // values that quantise to the same integers give the same digest
    const metrics2 = Object.fromEntries(LAYER_METRICS.sites.map((m, k) => [m, Float32Array.from([0.1231, 0.5002, k])]));
    expect(layerDigest("sites", { seq: 5, status, metrics: metrics2 })).toBe(a);
    expect(layerDigest("sites", { seq: 6, status, metrics })).not.toBe(a);
    expect(layerDigest("sites", { seq: 5, status: new Uint8Array([0, 1, 3]), metrics })).not.toBe(a);
    expect(idsHash(["a", "b"])).not.toBe(idsHash(["b", "a"]));
    expect(idsHash(["a", "b"])).toMatch(/^2-[0-9a-f]{8}$/);
  });

  it("measures JSON vs msgpack on a realistic batch (600 site updates)", () => {
    const d = realisticDelta(600);
    const rounds = 200;
    const time = (f: () => void) => {
      const ts: number[] = [];
      for (let k = 0; k < rounds; k++) {
        const t0 = performance.now();
        f();
        ts.push(performance.now() - t0);
      }
      return ts.sort((a, b) => a - b)[rounds >> 1];
    };
    const json = JSON.stringify(d);
    const mp = msgpack.encode(d) as Buffer;
    const typed = msgpack.encode({
      ...d,
      idx: Uint32Array.from(d.idx),
      status: Uint8Array.from(d.status),
      lastSeen: Float64Array.from(d.lastSeen),
      metrics: Object.fromEntries(Object.entries(d.metrics).map(([k, v]) => [k, Int32Array.from(v)])),
    }) as Buffer;
    const tJson = time(() => JSON.parse(JSON.stringify(d)));
    const tMp = time(() => msgpack.decode(msgpack.encode(d)));
    console.log(
      `[encoding] 600-record sites delta: JSON ${(json.length / 1024).toFixed(1)} KiB ${tJson.toFixed(3)} ms enc+dec; ` +
        `msgpack ${(mp.length / 1024).toFixed(1)} KiB ${tMp.toFixed(3)} ms; msgpack typed columns ${(typed.length / 1024).toFixed(1)} KiB`,
    );
    expect(mp.length).toBeLessThan(json.length);
    // a full 30,000-site snapshot
    const big = realisticDelta(30000, 2);
    const snap = {
      v: 1,
      layer: "sites",
      epoch: "e",
      seq: 1,
      idsHash: "x",
      count: 30000,
      ts: 1,
      status: big.status,
      lastSeen: big.lastSeen,
      metrics: big.metrics,
    };
    const sj = JSON.stringify(snap),
      sm = msgpack.encode(snap) as Buffer;
    const t1 = performance.now();
    JSON.parse(JSON.stringify(snap));
    const tj = performance.now() - t1;
    const t2 = performance.now();
    msgpack.decode(msgpack.encode(snap));
    const tm = performance.now() - t2;
    console.log(
      `[encoding] 30k-site snapshot: JSON ${(sj.length / 1024).toFixed(0)} KiB ${tj.toFixed(1)} ms; msgpack ${(sm.length / 1024).toFixed(0)} KiB ${tm.toFixed(1)} ms`,
    );
  });
});
