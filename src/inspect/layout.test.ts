import { describe, expect, it } from "vitest";
import { RACK, connectorLayout, loadColor, rackLayout, ramp, sectorDirection, tempColor, toCss } from "./layout";

describe("rackLayout", () => {
  it("puts 240 racks in 14 halls (DC-05): 18 racks in the first 2 halls, 17 in the other 12, each inside its hall", () => {
    const lay = rackLayout(240, 14);
    expect(lay.halls).toHaveLength(14);
    expect(lay.halls.map((h) => h.count)).toEqual([18, 18, ...Array(12).fill(17)]);
    expect(lay.halls.reduce((a, h) => a + h.count, 0)).toBe(240);
    for (const h of lay.halls) {
      for (let k = h.first; k < h.first + h.count; k++) {
        const x = lay.xz[2 * k];
        const z = lay.xz[2 * k + 1];
        expect(x - RACK.w / 2).toBeGreaterThanOrEqual(h.x - h.w / 2 - 1e-4);
        expect(x + RACK.w / 2).toBeLessThanOrEqual(h.x + h.w / 2 + 1e-4);
        expect(z - RACK.d / 2).toBeGreaterThanOrEqual(h.z - h.d / 2 - 1e-4);
        expect(z + RACK.d / 2).toBeLessThanOrEqual(h.z + h.d / 2 + 1e-4);
      }
    }
  });

  it("never overlaps two racks, and halls do not overlap", () => {
    const lay = rackLayout(120, 4);
    const seen = new Set<string>();
    for (let k = 0; k < 120; k++) seen.add(`${lay.xz[2 * k].toFixed(3)},${lay.xz[2 * k + 1].toFixed(3)}`);
    expect(seen.size).toBe(120);
    for (let a = 0; a < lay.halls.length; a++)
      for (let b = a + 1; b < lay.halls.length; b++) {
        const A = lay.halls[a];
        const B = lay.halls[b];
        const sepX = Math.abs(A.x - B.x) >= (A.w + B.w) / 2;
        const sepZ = Math.abs(A.z - B.z) >= (A.d + B.d) / 2;
        expect(sepX || sepZ).toBe(true);
      }
  });

  it("worked example: 6 racks in 1 hall -> 1 row of 6 (0.6 m pitch), hall 6.6 m x 4.2 m, centred", () => {
    // rows = round(sqrt(6*0.6 / 2.4)) = round(1.22) = 1; perRow 6; w = 6*0.6 + 3 = 6.6; d = 1.2 + 3 = 4.2
    const lay = rackLayout(6, 1);
    expect(lay.halls[0].w).toBeCloseTo(6.6, 6);
    expect(lay.halls[0].d).toBeCloseTo(4.2, 6);
    expect(Array.from(lay.xz.filter((_, i) => i % 2 === 0)).map((x) => +x.toFixed(2))).toEqual([
      -1.5, -0.9, -0.3, 0.3, 0.9, 1.5,
    ]);
    expect(lay.extent).toBeCloseTo(3.3, 6);
  });

  it("rejects bad input naming the argument", () => {
    expect(() => rackLayout(-1, 2)).toThrow(/rack count/);
    expect(() => rackLayout(10, 0)).toThrow(/halls/);
  });
});

describe("sectorDirection", () => {
  it("azimuth is clockwise from north (-z), east is +x; downtilt points down", () => {
    const east = sectorDirection(90, 0);
    expect(east[0]).toBeCloseTo(1, 9);
    expect(east[1]).toBeCloseTo(0, 9);
    expect(east[2]).toBeCloseTo(0, 9);
    const n10 = sectorDirection(0, 10);
    expect(n10[0]).toBeCloseTo(0, 9);
    expect(n10[1]).toBeCloseTo(-0.173648, 5);
    expect(n10[2]).toBeCloseTo(-0.984808, 5);
    const sw = sectorDirection(225, 0);
    expect(sw[0]).toBeCloseTo(-Math.SQRT1_2, 9);
    expect(sw[2]).toBeCloseTo(Math.SQRT1_2, 9); // south = +z
  });
});

describe("colour ramps", () => {
  it("interpolates linearly between stops and clamps", () => {
    expect(
      toCss(
        ramp(
          [
            [0, "#000000"],
            [1, "#ffffff"],
          ],
          0.5,
        ),
      ),
    ).toBe("#808080");
    expect(toCss(loadColor(-1))).toBe("#1f5fbf");
    expect(toCss(loadColor(0.5))).toBe("#22d3a6");
    expect(toCss(loadColor(2))).toBe("#ff4d4f");
    // 0.65 is half-way from #22d3a6 (0.5) to #ffb020 (0.8): (0x22+0xff)/2 = 144.5 -> 0x91
    expect(toCss(loadColor(0.65))).toBe("#91c263");
    expect(toCss(tempColor(27))).toBe("#ffb020");
    expect(toCss(tempColor(NaN))).toBe("#5b6577");
  });
});

describe("connectorLayout", () => {
  it("splits 22 connectors into two rows of 11 facing each other, 3.2 m apart, centred", () => {
    const xz = connectorLayout(22);
    const row0: number[] = [];
    const row1: number[] = [];
    for (let i = 0; i < 22; i++) (xz[2 * i + 1] < 0 ? row0 : row1).push(xz[2 * i]);
    expect(row0).toHaveLength(11);
    expect(row1).toHaveLength(11);
    expect(row0[0]).toBeCloseTo(-16, 6);
    expect(row0[10]).toBeCloseTo(16, 6);
    expect(row0[1] - row0[0]).toBeCloseTo(3.2, 6);
  });
});
