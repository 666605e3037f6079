import { describe, expect, it } from "vitest";
import { PerfRing, createLivePerf, lateBudget, timedParser } from "./perf";

describe("PerfRing", () => {
  it("keeps the newest `capacity` samples, oldest first", () => {
    const r = new PerfRing(["t", "ms"], 3);
    r.push(1, 0.5);
    r.push(2, 1.5);
    expect(r.snapshot()).toEqual({ t: [1, 2], ms: [0.5, 1.5] });
    r.push(3, 2.5);
    r.push(4, 3.5); // overwrites the first
    expect(r.length).toBe(3);
    expect(r.snapshot()).toEqual({ t: [2, 3, 4], ms: [1.5, 2.5, 3.5] });
    r.clear();
    expect(r.snapshot()).toEqual({ t: [], ms: [] });
  });
  it("live perf has frame and recolour rings and clears both", () => {
    const p = createLivePerf(8);
    p.frames.push(10, 0.2, 0.3, 400);
    p.recolour.push(11, 0.9, 400);
    expect(p.frames.snapshot()).toEqual({ t: [10], decodeMs: [0.2], applyMs: [0.3], records: [400] });
    p.clear();
    expect(p.frames.length + p.recolour.length).toBe(0);
  });
});

describe("timedParser", () => {
  it("decodes socket.io frames as usual and records one parse sample per frame (time and characters)", () => {
    const perf = createLivePerf(8);
    const { Decoder } = timedParser(perf);
    const d = new Decoder();
    const got: unknown[] = [];
    d.on("decoded", (p: unknown) => got.push(p));
    const frame = '2["delta",{"layer":"sites","idx":[1,2]}]';
    d.add(frame);
    expect(got).toEqual([{ type: 2, nsp: "/", data: ["delta", { layer: "sites", idx: [1, 2] }] }]);
    const s = perf.parse.snapshot();
    expect(s.chars).toEqual([frame.length]);
    expect(s.ms[0]).toBeGreaterThanOrEqual(0);
    perf.clear();
    expect(perf.parse.length).toBe(0);
  });
});

describe("lateBudget", () => {
  it("is the base budget on time and grows with lateness up to the cap", () => {
    expect(lateBudget(1, 0)).toBe(1);
    expect(lateBudget(1, -5)).toBe(1); // early counts as on time
    expect(lateBudget(1, 50)).toBeCloseTo(1 + 50 / (1000 / 60), 9); // 4
    expect(lateBudget(0.6, 100)).toBeCloseTo(0.6 * 7, 9); // 4.2
    expect(lateBudget(1, 700)).toBe(15); // a 700 ms frame in between: capped
    expect(lateBudget(25, 0)).toBe(25); // a base above the cap is not cut
    expect(lateBudget(1, 700, 5)).toBe(5);
  });
});
