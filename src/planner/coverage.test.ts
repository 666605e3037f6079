import { describe, expect, it } from "vitest";
import { CoverageEngine, NO_SIGNAL, type RadioSite } from "./coverage";
import { randomSites, squareArea } from "./fixtures";
import { makeProjection, toLonLat } from "./geo";
import { buildHeightRaster, isLineOfSight } from "./heights";
import { defaultLegend, rasterise } from "./heatmap";
import { perReDbm, sectorGain, umaLos, umaNlos, linkPathLoss, DEFAULT_PROPAGATION } from "./radio";

const LON = 119.3,
  LAT = 26.08;

function snapshot(e: CoverageEngine) {
  const g = e.getGrid();
  return { best: g.best.slice(), second: g.second.slice(), ids: Array.from(g.bestIdx, (i) => e.siteAt(i)?.id ?? null) };
}

describe("coverage grid", () => {
  it("lays out ≤ 50 m square cells over the polygon and masks cells outside it", () => {
    const e = new CoverageEngine([], { cellSizeM: 50 });
    e.setArea(squareArea(LON, LAT, 1000));
    const g = e.getGrid();
    expect(g.nx).toBe(20);
    expect(g.ny).toBe(20);
    expect(e.areaCells().length).toBe(400);
    // a triangle covers about half the cells
    const p = makeProjection(LON, LAT);
    const tri = {
      type: "Polygon" as const,
      coordinates: [[toLonLat(p, -500, -500), toLonLat(p, 500, -500), toLonLat(p, -500, 500), toLonLat(p, -500, -500)]],
    };
    e.setArea(tri);
    expect(e.areaCells().length).toBeGreaterThan(180);
    expect(e.areaCells().length).toBeLessThan(220);
    expect(() => new CoverageEngine([], { cellSizeM: 60 })).toThrow(/cellSizeM/);
  });

  it("RSRP of a cell equals the hand link budget (one site, forced NLOS)", () => {
    const p = makeProjection(LON, LAT);
    const [slon, slat] = toLonLat(p, 0, 0);
    const site: RadioSite = {
      id: "A",
      lon: slon,
      lat: slat,
      heightM: 25,
      azimuths: [0, 120, 240],
      tiltDeg: 6,
      txPowerDbm: 53,
      band: "n78",
    };
    const e = new CoverageEngine([site], { cellSizeM: 50, propagation: { ...DEFAULT_PROPAGATION, losMode: "nlos" } });
    // area 1 km east of the site, so the cell centre bearing and distance are easy to compute
    const [alon, alat] = toLonLat(p, 1000, 0);
    e.setArea(squareArea(alon, alat, 100));
    const g = e.getGrid();
    const c = e.areaCells()[0];
    const [x, y] = e.cellCentre(c);
    const [clon, clat] = e.cellLonLat(c);
    const pp = e.projection();
    const dx = x - (slon - pp.lon0) * pp.mPerDegLon,
      dy = y - (slat - pp.lat0) * pp.mPerDegLat;
    const d = Math.hypot(dx, dy);
    const bearing = (Math.atan2(dx, dy) * 180) / Math.PI;
    const off = Math.min(Math.abs(bearing - 120), Math.abs(bearing - 0));
    const dep = (Math.atan2(25 - 1.5, d) * 180) / Math.PI;
    const expected = perReDbm(53, 273) + sectorGain(off, dep, 6) - umaNlos(d, 25, 1.5, 3.5) - 5;
    expect(g.best[c]).toBeCloseTo(expected, 4);
    expect(g.bestIdx[c]).toBe(0);
    expect(clon).toBeGreaterThan(slon);
    expect(clat).toBeCloseTo(alat, 2);
    // ~ −115 dBm: 17.85 + ~7 − 141.5 − 5
    expect(g.best[c]).toBeLessThan(-110);
    expect(g.best[c]).toBeGreaterThan(-125);
  });

  for (const losMode of ["probabilistic", "nlos"] as const)
    it(`pruned best/second server equals the naive all-sites result exactly (${losMode})`, () => {
      const sites = randomSites(400, LON, LAT, 5000, 3);
      const e = new CoverageEngine(sites, {
        cellSizeM: 50,
        maxRangeM: 3000,
        propagation: { ...DEFAULT_PROPAGATION, losMode },
      });
      const full = e.setArea(squareArea(LON, LAT, 2000));
      const a = snapshot(e);
      const naive = e.computeNaive();
      const b = snapshot(e);
      expect(a.best).toEqual(b.best);
      expect(a.second).toEqual(b.second);
      expect(a.ids).toEqual(b.ids);
      expect(full.links).toBeLessThan(naive.links / 5);
    });

  it("pruning stays exact with mixed bands (per-carrier layers, n28 on Hata) and sparse sites", () => {
    const bands = ["n78", "n41", "n79", "n28"] as const;
    const sites = randomSites(300, LON, LAT, 9000, 21).map((x, k) => ({
      ...x,
      band: bands[k % 4],
      heightM: 8 + (k % 40),
    }));
    const e = new CoverageEngine(sites, { cellSizeM: 50, maxRangeM: 4000 });
    const full = e.setArea(squareArea(LON, LAT, 2500));
    const a = snapshot(e);
    const naive = e.computeNaive();
    expect(snapshot(e)).toEqual(a);
    expect(full.links).toBeLessThan(naive.links);
  });

  it("incremental add / move / remove equals a from-scratch computation", () => {
    const sites = randomSites(250, LON, LAT, 4000, 11);
    const p = makeProjection(LON, LAT);
    const cand = (x: number, y: number): RadioSite => {
      const [lon, lat] = toLonLat(p, x, y);
      return { id: "CAND", lon, lat, heightM: 35, azimuths: [30, 150, 270], tiltDeg: 4, txPowerDbm: 53, band: "n78" };
    };
    const e = new CoverageEngine(sites, { maxRangeM: 2500 });
    e.setArea(squareArea(LON, LAT, 2000));
    const add = e.upsertCandidate(cand(200, 100));
    expect(add.cells.length).toBeGreaterThan(0);
    const ref1 = new CoverageEngine([...sites, cand(200, 100)], { maxRangeM: 2500 });
    ref1.setArea(squareArea(LON, LAT, 2000));
    expect(snapshot(e)).toEqual(snapshot(ref1));

    const mv = e.upsertCandidate(cand(-600, -300));
    const ref2 = new CoverageEngine([...sites, cand(-600, -300)], { maxRangeM: 2500 });
    ref2.setArea(squareArea(LON, LAT, 2000));
    expect(snapshot(e)).toEqual(snapshot(ref2));
    // the update reports the previous best value of every changed cell
    const k = mv.cells.findIndex(
      (c) => ref1.getGrid().bestIdx[c] >= 0 && ref1.siteAt(ref1.getGrid().bestIdx[c])?.id === "CAND",
    );
    if (k >= 0) expect(mv.prevBest[k]).toBe(ref1.getGrid().best[mv.cells[k]]);

    e.removeCandidate("CAND");
    const ref3 = new CoverageEngine(sites, { maxRangeM: 2500 });
    ref3.setArea(squareArea(LON, LAT, 2000));
    expect(snapshot(e)).toEqual(snapshot(ref3));
    expect(() => e.removeCandidate("CAND")).toThrow(/no candidate/);
  });

  it("cells beyond every site's range get NO_SIGNAL", () => {
    const p = makeProjection(LON, LAT);
    const [lon, lat] = toLonLat(p, 5000, 0);
    const e = new CoverageEngine(
      [{ id: "F", lon, lat, heightM: 30, azimuths: [0, 120, 240], tiltDeg: 6, txPowerDbm: 53, band: "n78" }],
      { maxRangeM: 3000 },
    );
    e.setArea(squareArea(LON, LAT, 500));
    const g = e.getGrid();
    for (const c of e.areaCells()) {
      expect(g.best[c]).toBe(NO_SIGNAL);
      expect(g.bestIdx[c]).toBe(-1);
    }
  });
});

describe("buildings block line of sight", () => {
  const p = makeProjection(LON, LAT);
  // a 40 m tall, 30 m deep wall from x = 90 to 120 m, spanning y = −100…100 m
  const wall = {
    heightM: 40,
    footprint: [toLonLat(p, 90, -100), toLonLat(p, 120, -100), toLonLat(p, 120, 100), toLonLat(p, 90, 100)],
  };

  it("isLineOfSight over a height raster", () => {
    const r = buildHeightRaster([wall], p, { minX: -300, minY: -300, maxX: 300, maxY: 300 }, 10);
    // user at x = 200, site at x = 0, 25 m high: the 40 m wall is in between
    expect(isLineOfSight(r, 200, 0, 1.5, 0, 0, 25)).toBe(false);
    // a site at 80 m height clears it: line height at x=120 is 1.5 + 78.5·(80/200) = 32.9 < 40 → still blocked
    expect(isLineOfSight(r, 200, 0, 1.5, 0, 0, 80)).toBe(false);
    // 150 m high: line height at x = 120 is 1.5 + 148.5·0.4 = 60.9 > 40 → clear
    expect(isLineOfSight(r, 200, 0, 1.5, 0, 0, 150)).toBe(true);
    // path north of the wall is clear
    expect(isLineOfSight(r, 200, 200, 1.5, 0, 200, 25)).toBe(true);
  });

  it("coverage in 'buildings' mode uses LOS loss in the open and NLOS behind the wall", () => {
    const [slon, slat] = toLonLat(p, 0, 0);
    const site: RadioSite = {
      id: "W",
      lon: slon,
      lat: slat,
      heightM: 25,
      azimuths: [90, 210, 330],
      tiltDeg: 0,
      txPowerDbm: 53,
      band: "n78",
    };
    const e = new CoverageEngine(
      [site],
      { cellSizeM: 10, heightRasterM: 10, propagation: { ...DEFAULT_PROPAGATION, losMode: "buildings" } },
      [wall],
    );
    const [alon, alat] = toLonLat(p, 200, 0);
    e.setArea(squareArea(alon, alat, 60)); // cells x 170…230, y −30…30: all behind the wall
    const g = e.getGrid();
    const c = e.areaCells()[Math.floor(e.areaCells().length / 2)];
    const [x, y] = e.cellCentre(c);
    const pp = e.projection();
    const d = Math.hypot(x - (slon - pp.lon0) * pp.mPerDegLon, y - (slat - pp.lat0) * pp.mPerDegLat);
    const gain = g.best[c] - (perReDbm(53, 273) - 5 - umaNlos(d, 25, 1.5, 3.5));
    expect(gain).toBeGreaterThan(-30);
    expect(gain).toBeLessThanOrEqual(8);
    // same geometry without the wall: LOS, 20+ dB stronger
    const open = new CoverageEngine(
      [site],
      { cellSizeM: 10, propagation: { ...DEFAULT_PROPAGATION, losMode: "buildings" } },
      [],
    );
    open.setArea(squareArea(alon, alat, 60));
    const diff = open.getGrid().best[c] - g.best[c];
    expect(diff).toBeCloseTo(umaNlos(d, 25, 1.5, 3.5) - umaLos(d, 25, 1.5, 3.5), 3);
    expect(diff).toBeGreaterThan(15);
    expect(linkPathLoss(d, 25, 3.5, { ...DEFAULT_PROPAGATION, losMode: "buildings" })).toBeCloseTo(
      umaNlos(d, 25, 1.5, 3.5),
      9,
    );
  });

  it("pruning stays exact in 'buildings' mode", () => {
    const sites = randomSites(150, LON, LAT, 3000, 5);
    const rnd = (k: number) => (((Math.sin(k * 12.9898) * 43758.5453) % 1) + 1) % 1;
    const blds = Array.from({ length: 300 }, (_, k) => {
      const x = (rnd(k) - 0.5) * 2400,
        y = (rnd(k + 1000) - 0.5) * 2400,
        w = 20 + rnd(k + 2000) * 30,
        h = 10 + rnd(k + 3000) * 60;
      return {
        heightM: h,
        footprint: [toLonLat(p, x, y), toLonLat(p, x + w, y), toLonLat(p, x + w, y + w), toLonLat(p, x, y + w)],
      };
    });
    const e = new CoverageEngine(
      sites,
      { maxRangeM: 2000, losCheckRangeM: 800, propagation: { ...DEFAULT_PROPAGATION, losMode: "buildings" } },
      blds,
    );
    e.setArea(squareArea(LON, LAT, 1200));
    const a = snapshot(e);
    e.computeNaive();
    expect(snapshot(e)).toEqual(a);
  });
});

describe("heat map", () => {
  it("maps dBm to legend colours, north row first, transparent outside the area", () => {
    const legend = defaultLegend({ goodDbm: -105, weakDbm: -110 });
    expect(legend.map((s) => s.minDbm)).toEqual([-85, -95, -105, -110, -120, -Infinity]);
    // 2 × 2 grid, row-major from the south: [south-west, south-east, north-west, north-east]
    const grid = {
      nx: 2,
      ny: 2,
      mask: Uint8Array.from([1, 1, 1, 0]),
      best: Float32Array.from([-80, -107, NO_SIGNAL, -90]),
    };
    const px = rasterise(grid, legend);
    const at = (row: number, col: number) => Array.from(px.slice((row * 2 + col) * 4, (row * 2 + col) * 4 + 4));
    expect(at(1, 0)).toEqual([0x1a, 0x98, 0x50, 170]); // south-west −80 → best class, image bottom row
    expect(at(1, 1)).toEqual([0xfe, 0xe0, 0x8b, 160]); // −107 fair
    expect(at(0, 0)).toEqual([0xa5, 0x00, 0x26, 180]); // no signal
    expect(at(0, 1)).toEqual([0, 0, 0, 0]); // outside the area
  });
});
