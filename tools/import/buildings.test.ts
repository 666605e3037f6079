/**
 * Footprints -> buildings.json + 3D Tiles: mixed height fields, invalid geometries refused with reasons, holes
 * filled, and every produced glTF passes the Khronos glTF validator with zero errors.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { validateBytes } from "gltf-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildingsFile } from "../../src/protocol/data";
import { decodeB3dm } from "../tiles/b3dm";
import { importBuildings } from "./run";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "rt-bldg-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** a square footprint of `m` metres at lon/lat, counter-clockwise, closed */
function square(lon: number, lat: number, m: number): number[][] {
  const dx = m / (111320 * Math.cos((lat * Math.PI) / 180));
  const dy = m / 110574;
  return [
    [lon, lat],
    [lon + dx, lat],
    [lon + dx, lat + dy],
    [lon, lat + dy],
    [lon, lat],
  ];
}

const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: "Feature", properties, geometry });

describe("buildings import", () => {
  it("reads mixed height fields, refuses invalid geometries, fills holes, writes valid glTF tiles", async () => {
    const [x, y] = [119.2965, 26.0745]; // 鼓楼
    const holeOuter = square(x + 0.004, y, 60);
    const hole = square(x + 0.0042, y + 0.0002, 20).reverse();
    const features = [
      feature({ id: "b1", height: 24.5, building: "office" }, { type: "Polygon", coordinates: [square(x, y, 30)] }),
      feature(
        { osm_id: "way/123", "building:levels": "12", building: "apartments" },
        { type: "Polygon", coordinates: [square(x + 0.001, y, 25)] },
      ),
      feature(
        { 编号: "FZ-0003", 层数: 6, 高度: "19.8m", 用途: "商业" },
        { type: "Polygon", coordinates: [square(x + 0.002, y, 40)] },
      ),
      feature({ 编号: "FZ-0004" }, { type: "Polygon", coordinates: [square(x + 0.003, y, 15).reverse()] }), // clockwise, no height
      feature({ id: "courtyard", floors: 5 }, { type: "Polygon", coordinates: [holeOuter, hole] }),
      feature(
        { id: "multi", height: 10 },
        { type: "MultiPolygon", coordinates: [[square(x, y + 0.002, 10)], [square(x, y + 0.003, 30)]] },
      ),
      feature(
        { id: "bowtie", height: 10 },
        {
          type: "Polygon",
          coordinates: [
            [
              [x, y + 0.004],
              [x + 0.0003, y + 0.0043],
              [x + 0.0003, y + 0.004],
              [x, y + 0.0043],
              [x, y + 0.004],
            ],
          ],
        },
      ),
      feature({ id: "unclosed", height: 10 }, { type: "Polygon", coordinates: [square(x, y + 0.005, 10).slice(0, 4)] }),
      feature({ id: "empty", height: 10 }, { type: "Polygon", coordinates: [] }),
      feature({ id: "nogeom", height: 10 }, null),
      feature({ id: "xiamen", height: 10 }, { type: "Polygon", coordinates: [square(118.0846, 24.4775, 20)] }),
      feature({ id: "b1", height: 30 }, { type: "Polygon", coordinates: [square(x + 0.005, y, 20)] }),
    ];
    const file = path.join(dir, "footprints.geojson");
    writeFileSync(file, JSON.stringify({ type: "FeatureCollection", features }));
    const dataDir = path.join(dir, "data");
    const r = await importBuildings({ file, dataDir, crs: "wgs84" });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ ok: true, kind: "footprints", rowsRead: 12, kept: 6, refused: 6 });
    expect(r.refusedRows).toEqual([
      { line: 7, reason: "self-crossing ring" },
      { line: 8, reason: "unclosed ring (first and last positions differ)" },
      { line: 9, reason: "empty geometry" },
      { line: 10, reason: "empty geometry" },
      { line: 11, reason: "outside the city" },
      { line: 12, reason: "duplicate id b1" },
    ]);
    expect(r.defaults).toEqual({ height: 1, usage: 3 });
    expect(r.warnings).toContain("1 holes (courtyards) filled: footprints are outer rings");

    const out = BuildingsFile.parse(JSON.parse(readFileSync(path.join(dataDir, "buildings.json"), "utf8")));
    expect(out.sample).toBe(false);
    expect(out.items.map((b) => [b.id, b.usage, b.floors, b.heightM, b.district])).toEqual([
      ["b1", "office", 8, 24.5, "鼓楼区"],
      ["way_123", "residential", 12, 38.4, "鼓楼区"],
      ["FZ-0003", "commercial", 6, 19.8, "鼓楼区"],
      ["FZ-0004", "residential", 2, 6.4, "鼓楼区"],
      ["courtyard", "residential", 5, 16, "鼓楼区"],
      ["multi", "residential", 3, 10, "鼓楼区"],
    ]);
    // counter-clockwise footprints without the closing vertex; the multipolygon kept its larger part (30 m)
    for (const b of out.items) {
      let s = 0;
      const f = b.footprint;
      for (let i = 0, j = f.length - 1; i < f.length; j = i++) s += f[j][0] * f[i][1] - f[i][0] * f[j][1];
      expect(s).toBeGreaterThan(0);
      expect(f).toHaveLength(4);
    }
    const multi = out.items[5].footprint;
    expect((multi[1][0] - multi[0][0]) * 111320 * Math.cos((y * Math.PI) / 180)).toBeCloseTo(30, 0);

    const tilesRoot = path.join(dataDir, "tiles", "buildings");
    const tileset = JSON.parse(readFileSync(path.join(tilesRoot, "tileset.json"), "utf8")) as {
      asset: { extras: { rongtwin: { sample: boolean; buildings: number } } };
    };
    expect(tileset.asset.extras.rongtwin).toMatchObject({ sample: false, buildings: 6 });
    const b3dms = readdirSync(path.join(tilesRoot, "tiles"));
    expect(b3dms.length).toBeGreaterThan(0);
    for (const t of b3dms) {
      const { glb, batchTable } = decodeB3dm(readFileSync(path.join(tilesRoot, "tiles", t)));
      const report = await validateBytes(new Uint8Array(glb));
      expect(report.issues.numErrors, JSON.stringify(report.issues.messages.slice(0, 3))).toBe(0);
      expect((batchTable as { id: string[] }).id).toContain("b1");
    }
    expect(r.stats?.bytesPer10kBuildings).toBeGreaterThan(0);
  });
});
