import { Rng } from "../protocol/prng";
import { describe, expect, it } from "vitest";
import {
  geometryAreaM2,
  haversineM,
  makeProjection,
  pointInGeometry,
  rasterizeGeometry,
  toLocal,
  toLonLat,
  type MultiPolygonGeometry,
} from "./geo";

describe("geo helpers", () => {
  it("local projection round-trips and matches haversine within 0.1 % over 20 km", () => {
    const p = makeProjection(119.3, 26.08);
    const [lon, lat] = toLonLat(p, 12000, -16000);
    const [x, y] = toLocal(p, lon, lat);
    expect(x).toBeCloseTo(12000, 6);
    expect(y).toBeCloseTo(-16000, 6);
    expect(Math.abs(haversineM(119.3, 26.08, lon, lat) - 20000) / 20000).toBeLessThan(1e-3);
  });

  it("scanline rasterisation agrees with point-in-polygon (multipolygon with a hole)", () => {
    const rng = new Rng(5);
    const rnd = () => rng.next();
    const star = (cx: number, cy: number, r: number, n: number) => {
      const ring: [number, number][] = [];
      for (let k = 0; k < n; k++) {
        const a = (2 * Math.PI * k) / n,
          rr = r * (0.5 + rnd() * 0.5);
        ring.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
      }
      ring.push(ring[0]);
      return ring;
    };
    const g: MultiPolygonGeometry = {
      type: "MultiPolygon",
      coordinates: [[star(119.3, 26.08, 0.05, 40), star(119.3, 26.08, 0.015, 12)], [star(119.42, 26.1, 0.03, 25)]],
    };
    const rect = { west: 119.2, south: 26.0, east: 119.5, north: 26.2 };
    const nx = 300,
      ny = 200;
    const m = rasterizeGeometry(g, rect, nx, ny);
    let diff = 0,
      inside = 0;
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const lon = rect.west + ((i + 0.5) * (rect.east - rect.west)) / nx,
          lat = rect.south + ((j + 0.5) * (rect.north - rect.south)) / ny;
        const pip = pointInGeometry(lon, lat, g) ? 1 : 0;
        inside += pip;
        if (pip !== m[j * nx + i]) diff++;
      }
    expect(inside).toBeGreaterThan(1000);
    expect(diff).toBe(0);
    // area of a 1 km square
    const p = makeProjection(119.3, 26.08);
    const sq = {
      type: "Polygon" as const,
      coordinates: [
        [toLonLat(p, 0, 0), toLonLat(p, 1000, 0), toLonLat(p, 1000, 1000), toLonLat(p, 0, 1000), toLonLat(p, 0, 0)],
      ],
    };
    expect(geometryAreaM2(sq)).toBeCloseTo(1e6, -3);
  });
});
