/**
 * The GCJ-02 tiling check: in an AMap/Tencent-style tile source a WGS84 point's street is drawn at the point's
 * GCJ-02 coordinates; with the corrected scheme the point must land on that pixel of that tile (within one pixel),
 * where the plain Web Mercator scheme puts it ~500 m (dozens of pixels) away.
 */
import { Cartographic, Math as CesiumMath, WebMercatorProjection, WebMercatorTilingScheme } from "cesium";
import { describe, expect, it } from "vitest";
import { Gcj02TilingScheme } from "./gcj02-tiling";

const TILE = 256;
/** GCJ-02 of the WGS84 point 119.2965, 26.0745 (published forward transform, computed independently of gcoord) */
const P = { wgs: [119.2965, 26.0745], gcj: [119.3012998, 26.071398] } as const;
const proj = new WebMercatorProjection();
const merc = (lon: number, lat: number) => proj.project(Cartographic.fromDegrees(lon, lat));

/** where a lon/lat falls in tile (x, y) of a scheme: pixel coordinates, Web Mercator within the tile's rectangle */
function pixelIn(scheme: WebMercatorTilingScheme, x: number, y: number, z: number, lon: number, lat: number) {
  const r = scheme.tileXYToRectangle(x, y, z);
  const sw = merc(CesiumMath.toDegrees(r.west), CesiumMath.toDegrees(r.south));
  const ne = merc(CesiumMath.toDegrees(r.east), CesiumMath.toDegrees(r.north));
  const p = merc(lon, lat);
  return { u: ((p.x - sw.x) / (ne.x - sw.x)) * TILE, v: ((ne.y - p.y) / (ne.y - sw.y)) * TILE };
}

describe("GCJ-02 tiling scheme", () => {
  for (const z of [12, 15, 17, 18]) {
    it(`puts a WGS84 point on its GCJ-02-drawn pixel at zoom ${z}`, () => {
      const plain = new WebMercatorTilingScheme();
      const gcj = new Gcj02TilingScheme();
      // truth: the source drew the street at the GCJ-02 coordinates, in plain Web Mercator tiles
      const t = plain.positionToTileXY(Cartographic.fromDegrees(P.gcj[0], P.gcj[1]), z)!;
      const truth = pixelIn(plain, t.x, t.y, z, P.gcj[0], P.gcj[1]);
      const got = gcj.positionToTileXY(Cartographic.fromDegrees(P.wgs[0], P.wgs[1]), z)!;
      expect([got.x, got.y]).toEqual([t.x, t.y]);
      const px = pixelIn(gcj, t.x, t.y, z, P.wgs[0], P.wgs[1]);
      expect(Math.abs(px.u - truth.u)).toBeLessThan(1);
      expect(Math.abs(px.v - truth.v)).toBeLessThan(1);
      if (z >= 15) {
        // uncorrected, the same point is far off its street
        const off = pixelIn(plain, t.x, t.y, z, P.wgs[0], P.wgs[1]);
        expect(Math.hypot(off.u - truth.u, off.v - truth.v)).toBeGreaterThan(20);
      }
    });
  }

  it("gives the same shifted tile in native (Web Mercator metre) coordinates, the ones Cesium draws imagery by", () => {
    const gcj = new Gcj02TilingScheme();
    const z = 16;
    const t = gcj.positionToTileXY(Cartographic.fromDegrees(P.wgs[0], P.wgs[1]), z)!;
    const r = gcj.tileXYToRectangle(t.x, t.y, z);
    const native = gcj.tileXYToNativeRectangle(t.x, t.y, z);
    const sw = merc(CesiumMath.toDegrees(r.west), CesiumMath.toDegrees(r.south));
    const ne = merc(CesiumMath.toDegrees(r.east), CesiumMath.toDegrees(r.north));
    for (const [a, b] of [
      [native.west, sw.x],
      [native.south, sw.y],
      [native.east, ne.x],
      [native.north, ne.y],
    ] as const)
      expect(Math.abs(a - b)).toBeLessThan(0.01);
    // and not the plain tile's: that one is ~500 m away
    const plain = new WebMercatorTilingScheme().tileXYToNativeRectangle(t.x, t.y, z);
    expect(Math.hypot(plain.west - native.west, plain.south - native.south)).toBeGreaterThan(300);
  });
});
