/** Alarm-follow framing: the object among its neighbours, wider on an ultra-wide wall, never a lone dot. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { followRadiusM, followRangeM, kthNearestM, kthNeighbourM, MAX_RADIUS_M, MIN_RADIUS_M } from "./framing";

const FOV = (60 * Math.PI) / 180;

describe("kthNeighbourM", () => {
  it("finds the k-th nearest of a row of points 100 m apart", () => {
    const pts = Array.from({ length: 20 }, (_, j) => ({
      lon: 119.3 + (j * 100) / (111_320 * Math.cos((26 * Math.PI) / 180)),
      lat: 26,
    }));
    expect(kthNeighbourM(pts.length, (j) => pts[j], 10, 1)).toBeCloseTo(100, 0);
    expect(kthNeighbourM(pts.length, (j) => pts[j], 10, 4)).toBeCloseTo(200, 0);
    expect(kthNeighbourM(pts.length, (j) => pts[j], 0, 4)).toBeCloseTo(400, 0);
    expect(kthNeighbourM(3, (j) => pts[j], 0, 6)).toBe(Infinity);
    // a point of another layer 50 m past the row's west end: its 4th nearest row point is 50 + 300 = 350 m away
    const west = { lon: 119.3 - 50 / (111_320 * Math.cos((26 * Math.PI) / 180)), lat: 26 };
    expect(kthNearestM(pts.length, (j) => pts[j], west, -1, 4)).toBeCloseTo(350, 0);
  });

  it("frames a data centre by the 5G sites around it, not by the other data centres across the city", () => {
    const read = (f: string) =>
      (JSON.parse(readFileSync(`public/data/${f}`, "utf8")) as { items: { lon: number; lat: number }[] }).items;
    const sites = read("sites.json");
    const dcs = read("datacentres.json");
    const dc = dcs[dcs.length - 1];
    const bySites = kthNearestM(sites.length, (j) => sites[j], dc);
    const byOwn = kthNeighbourM(dcs.length, (j) => dcs[j], dcs.length - 1);
    expect(bySites).toBeLessThan(byOwn);
    expect(followRadiusM(bySites)).toBeLessThan(3000);
  });
});

describe("follow range", () => {
  it("keeps the radius between its bounds", () => {
    expect(followRadiusM(50)).toBe(MIN_RADIUS_M);
    expect(followRadiusM(2000)).toBe(2500);
    expect(followRadiusM(50_000)).toBe(MAX_RADIUS_M);
    expect(followRadiusM(Infinity)).toBe(MAX_RADIUS_M);
  });

  it("stands back further on an ultra-wide wall than on a 16:9 one, and shows the radius in both directions", () => {
    const r = 1500;
    const r169 = followRangeM(r, FOV, 3840 / 2160);
    const rWide = followRangeM(r, FOV, 5760 / 1080);
    expect(rWide / r169).toBeGreaterThan(2.5);
    // 16:9: vertical half-fov = atan(tan(30°) / (16/9)) ≈ 18°
    expect(r169).toBeCloseTo(r / Math.tan(Math.atan(Math.tan(FOV / 2) / (3840 / 2160))), 6);
    // portrait: the narrower one is horizontal
    expect(followRangeM(r, FOV, 1080 / 1920)).toBeCloseTo(
      r / Math.tan(Math.atan(Math.tan(FOV / 2) * (1080 / 1920))),
      6,
    );
  });

  it("frames real sample sites among their neighbours: downtown close, rural further out", () => {
    const sites = (
      JSON.parse(readFileSync("public/data/sites.json", "utf8")) as {
        items: { lon: number; lat: number; district: string; cellClass?: string }[];
      }
    ).items;
    const at = (j: number) => sites[j];
    const pick = (d: string) => sites.findIndex((s) => s.district === d && (s.cellClass ?? "macro") === "macro");
    const core = kthNeighbourM(sites.length, at, pick("鼓楼区"));
    const rural = kthNeighbourM(sites.length, at, pick("永泰县"));
    expect(core).toBeLessThan(rural);
    const aspect = 3840 / 2160;
    console.log(
      `6th neighbour: 鼓楼 ${core.toFixed(0)} m, 永泰 ${rural.toFixed(0)} m; range 3840x2160: ${followRangeM(followRadiusM(core), FOV, aspect).toFixed(0)} m / ${followRangeM(followRadiusM(rural), FOV, aspect).toFixed(0)} m, 5760x1080: ${followRangeM(followRadiusM(core), FOV, 5760 / 1080).toFixed(0)} m`,
    );
    // the old fixed 1800 m at 5760x1080 showed ~190 m of ground vertically: now at least the minimum radius
    expect(followRangeM(followRadiusM(core), FOV, 5760 / 1080)).toBeGreaterThan(1800 * 4);
  });
});
