import { describe, expect, it } from "vitest";
import { Delta, LAYER_METRICS } from "../protocol/live";
import { LAYER_IDS, type LayerId } from "../protocol/data";
import { fastDelta } from "./fast-delta";

function delta(layer: LayerId, n: number): Record<string, unknown> {
  const idx = Array.from({ length: n }, (_, i) => i * 3);
  return {
    v: 1,
    layer,
    epoch: "local-abc",
    prev: 41,
    seq: 42,
    ts: 1_780_000_000_000,
    idx,
    status: idx.map((_, i) => i % 5),
    lastSeen: idx.map((_, i) => 1_780_000_000_000 - i * 1.5),
    metrics: Object.fromEntries(LAYER_METRICS[layer].map((m, k) => [m, idx.map((_, i) => i * 7 - k)])),
  };
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe("fastDelta", () => {
  it("accepts exactly what the zod schema accepts, with the same output", () => {
    for (const l of LAYER_IDS)
      for (const n of [0, 1, 17]) {
        const d = delta(l, n);
        expect(fastDelta(d)).toEqual(Delta.parse(d));
      }
    // unknown top-level keys are dropped by both
    const extra = { ...delta("sites", 2), junk: 1 };
    expect(fastDelta(extra)).toEqual(Delta.parse(extra));
    expect(fastDelta(extra)).not.toHaveProperty("junk");
  });

  const mutations: [string, (d: Record<string, unknown>) => void][] = [
    ["wrong version", (d) => (d.v = 2)],
    ["unknown layer", (d) => (d.layer = "towers")],
    ["empty epoch", (d) => (d.epoch = "")],
    ["epoch too long", (d) => (d.epoch = "x".repeat(65))],
    ["seq == prev", (d) => (d.seq = 41)],
    ["negative prev", (d) => (d.prev = -1)],
    ["fractional seq", (d) => (d.seq = 42.5)],
    ["ts string", (d) => (d.ts = "now")],
    ["ts negative", (d) => (d.ts = -5)],
    ["idx fractional", (d) => ((d.idx as number[])[1] = 1.5)],
    ["idx not an array", (d) => (d.idx = { 0: 1 })],
    ["status too short", (d) => (d.status as number[]).pop()],
    ["status string", (d) => ((d.status as unknown[])[0] = "0")],
    ["lastSeen null", (d) => ((d.lastSeen as unknown[])[2] = null)],
    ["metric column missing", (d) => delete (d.metrics as Record<string, unknown>).load],
    ["metric column short", (d) => ((d.metrics as Record<string, number[]>).s1.length = 2)],
    ["metric value fractional", (d) => ((d.metrics as Record<string, number[]>).users[0] = 0.25)],
    ["extra metric column not integers", (d) => ((d.metrics as Record<string, unknown>).extra = [0.5])],
    ["metrics an array", (d) => (d.metrics = [])],
    ["message an array", (d) => Object.assign(d, { __array: true })],
  ];
  for (const [name, mutate] of mutations) {
    it(`rejects like zod: ${name}`, () => {
      const d = clone(delta("sites", 4));
      mutate(d);
      const input = d.__array ? [d] : d;
      expect(Delta.safeParse(input).success).toBe(false);
      expect(fastDelta(input)).toBeNull();
    });
  }

  it("agrees with zod on 2,000 random single-field corruptions", () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const junk = [null, -1, 0, 1.5, NaN, "1", [], {}, true, 2 ** 60, Infinity];
    let rejected = 0;
    for (let k = 0; k < 2000; k++) {
      const d = clone(delta(LAYER_IDS[k % 4], 5));
      const keys = ["v", "layer", "epoch", "prev", "seq", "ts", "idx", "status", "lastSeen", "metrics"];
      const key = keys[Math.floor(rnd() * keys.length)];
      const j = junk[Math.floor(rnd() * junk.length)];
      const v = d[key];
      if (Array.isArray(v) && rnd() < 0.7) v[Math.floor(rnd() * v.length)] = j;
      else if (key === "metrics" && rnd() < 0.7) {
        const cols = Object.values(v as Record<string, unknown[]>);
        cols[Math.floor(rnd() * cols.length)][Math.floor(rnd() * 5)] = j;
      } else d[key] = j;
      const z = Delta.safeParse(d);
      const f = fastDelta(d);
      expect(f === null, `${key} <- ${String(j)}`).toBe(!z.success);
      if (z.success) expect(f).toEqual(z.data);
      else rejected++;
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});
