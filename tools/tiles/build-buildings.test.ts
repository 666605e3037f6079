import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NodeIO } from "@gltf-transform/core";
import type { Building } from "../../src/protocol/data";
import { B3DM_HEADER_BYTES, decodeB3dm, encodeB3dm } from "./b3dm";
import { buildTile, buildTileset, partition, regionOf } from "./build-buildings";
import { applyMatrix, enuFrame, fromEcef, toEcef, toEnu } from "./geodesy";
import type { Vec3 } from "./geodesy";
import { buildPrisms, gltfToEnu, prismCounts } from "./prism";
import { triangulate } from "./triangulate";

// 1 m in degrees near Fuzhou
const LAT0 = 26.08,
  LON0 = 119.3;
const dLat = 1 / 110_800,
  dLon = 1 / (110_800 * Math.cos((LAT0 * Math.PI) / 180));
const at = (e: number, n: number): [number, number] => [LON0 + e * dLon, LAT0 + n * dLat];

/** a 30 m x 20 m tower of 10 floors and an L-shaped 3-floor podium (30x20 minus a 15x10 notch) */
const fixture: Building[] = [
  {
    id: "B-000001",
    district: "鼓楼区",
    usage: "office",
    floors: 10,
    heightM: 32,
    footprint: [at(0, 0), at(30, 0), at(30, 20), at(0, 20)],
  },
  {
    id: "B-000002",
    district: "鼓楼区",
    usage: "commercial",
    floors: 3,
    heightM: 9.6,
    footprint: [at(50, 0), at(80, 0), at(80, 10), at(65, 10), at(65, 20), at(50, 20)],
  },
];

const tmp = mkdtempSync(path.join(tmpdir(), "rongtwin-tiles-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("geodesy", () => {
  it("round-trips geodetic -> ECEF -> geodetic and puts the ENU origin at (0,0,0)", () => {
    const p = fromEcef(toEcef(119.3, 26.08, 123.4));
    expect(p.lon).toBeCloseTo(119.3, 9);
    expect(p.lat).toBeCloseTo(26.08, 9);
    expect(p.h).toBeCloseTo(123.4, 4);
    const f = enuFrame(119.3, 26.08);
    expect(toEnu(f, 119.3, 26.08, 0).map((v) => Math.abs(v) < 1e-6)).toEqual([true, true, true]);
    // 0.001° north is 110.8 m at 26°N; ground drops ~1 mm below the tangent plane
    const n = toEnu(f, 119.3, 26.081, 0);
    expect(n[1]).toBeCloseTo(110.8, 0);
    expect(Math.abs(n[0])).toBeLessThan(1e-6);
    expect(n[2]).toBeLessThan(0);
    expect(n[2]).toBeGreaterThan(-0.01);
    // the column-major matrix maps local (0,0,10) 10 m up the ellipsoid normal
    expect(fromEcef(applyMatrix(f.matrix, [0, 0, 10])).h).toBeCloseTo(10, 6);
  });
});

describe("triangulate", () => {
  it("splits the L-shape into 4 CCW triangles covering its 450 m²", () => {
    const l: [number, number][] = [
      [0, 0],
      [30, 0],
      [30, 10],
      [15, 10],
      [15, 20],
      [0, 20],
    ];
    const tris = triangulate(l);
    expect(tris).toHaveLength(4);
    let area = 0;
    for (const [a, b, c] of tris) {
      const s = ((l[b][0] - l[a][0]) * (l[c][1] - l[a][1]) - (l[b][1] - l[a][1]) * (l[c][0] - l[a][0])) / 2;
      expect(s).toBeGreaterThan(0);
      area += s;
    }
    expect(area).toBeCloseTo(450, 9);
    // clockwise input still yields CCW triangles
    const cw = l.slice().reverse();
    for (const [a, b, c] of triangulate(cw))
      expect(
        (cw[b][0] - cw[a][0]) * (cw[c][1] - cw[a][1]) - (cw[b][1] - cw[a][1]) * (cw[c][0] - cw[a][0]),
      ).toBeGreaterThan(0);
  });
});

describe("prisms", () => {
  const frame = enuFrame(LON0, LAT0);
  const mesh = buildPrisms(fixture, frame);

  it("has walls + roof: rectangle 20 vertices / 10 triangles, L-shape 30 / 16", () => {
    expect(prismCounts(4)).toEqual({ vertices: 20, triangles: 10 });
    expect(prismCounts(6)).toEqual({ vertices: 30, triangles: 16 });
    expect(mesh.vertexCount).toBe(50);
    expect(mesh.triangleCount).toBe(26);
    expect(mesh.indices.length).toBe(78);
  });

  it("gives each vertex its building's batch id", () => {
    expect([...mesh.batchIds.slice(0, 20)].every((b) => b === 0)).toBe(true);
    expect([...mesh.batchIds.slice(20)].every((b) => b === 1)).toBe(true);
    // every triangle belongs to one building
    for (let t = 0; t < mesh.indices.length; t += 3) {
      const ids = new Set([0, 1, 2].map((k) => mesh.batchIds[mesh.indices[t + k]]));
      expect(ids.size).toBe(1);
    }
  });

  it("is y-up: glTF y is the height (0 .. 32 m), glTF z is minus north", () => {
    const ys: number[] = [],
      zs: number[] = [];
    for (let v = 0; v < 20; v++) {
      ys.push(mesh.positions[v * 3 + 1]);
      zs.push(mesh.positions[v * 3 + 2]);
    }
    expect(Math.max(...ys)).toBeCloseTo(32, 2);
    expect(Math.min(...ys)).toBeCloseTo(0, 2);
    // the tower spans 0..20 m north -> z from -20 to 0
    expect(Math.min(...zs)).toBeCloseTo(-20, 0);
    expect(Math.max(...zs)).toBeCloseTo(0, 0);
    // roof normals point up (+y)
    for (let v = 16; v < 20; v++) expect([...mesh.normals.slice(v * 3, v * 3 + 3)]).toEqual([0, 1, 0]);
  });

  it("winds every triangle counter-clockwise around its outward flat normal", () => {
    const P = (i: number): Vec3 => [mesh.positions[i * 3], mesh.positions[i * 3 + 1], mesh.positions[i * 3 + 2]];
    for (let t = 0; t < mesh.indices.length; t += 3) {
      const [a, b, c] = [P(mesh.indices[t]), P(mesh.indices[t + 1]), P(mesh.indices[t + 2])];
      const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]],
        w = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
      const cr = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
      const i = mesh.indices[t];
      const nrm = [mesh.normals[i * 3], mesh.normals[i * 3 + 1], mesh.normals[i * 3 + 2]];
      expect(cr[0] * nrm[0] + cr[1] * nrm[1] + cr[2] * nrm[2]).toBeGreaterThan(0);
    }
    // the first wall of the tower (south edge, 0,0 -> 30,0) faces south: ENU normal (0,-1,0)
    const n0 = gltfToEnu([mesh.normals[0], mesh.normals[1], mesh.normals[2]]);
    expect(n0[0]).toBeCloseTo(0, 4);
    expect(n0[1]).toBeCloseTo(-1, 4);
  });
});

describe("b3dm container", () => {
  it("lays out header, padded tables and glb on 8-byte boundaries", () => {
    const glb = new Uint8Array([0x67, 0x6c, 0x54, 0x46, 2, 0, 0, 0, 12, 0, 0, 0]); // "glTF" v2, 12 bytes
    const buf = encodeB3dm({ featureTable: { BATCH_LENGTH: 1 }, batchTable: { id: ["x"] }, glb });
    expect(buf.toString("ascii", 0, 4)).toBe("b3dm");
    expect(buf.readUInt32LE(4)).toBe(1);
    expect(buf.readUInt32LE(8)).toBe(buf.length);
    expect(buf.length % 8).toBe(0);
    const ftj = buf.readUInt32LE(12),
      btj = buf.readUInt32LE(20);
    expect((B3DM_HEADER_BYTES + ftj) % 8).toBe(0);
    expect((B3DM_HEADER_BYTES + ftj + btj) % 8).toBe(0);
    expect(JSON.parse(buf.toString("utf8", 28, 28 + ftj))).toEqual({ BATCH_LENGTH: 1 });
    const d = decodeB3dm(buf);
    expect(d.batchTable).toEqual({ id: ["x"] });
    expect(d.glbOffset).toBe(28 + ftj + btj);
  });
  it("refuses a batch table whose length differs from BATCH_LENGTH, and bad magic", () => {
    expect(() =>
      encodeB3dm({ featureTable: { BATCH_LENGTH: 2 }, batchTable: { id: ["x"] }, glb: new Uint8Array(12) }),
    ).toThrow(/"id" has 1 values, BATCH_LENGTH is 2/);
    expect(() => decodeB3dm(Buffer.from("i3dm0000000000000000000000000000"))).toThrow(/magic is "i3dm"/);
  });
});

describe("tile from the 2-building fixture", async () => {
  const tile = await buildTile(fixture);
  const d = decodeB3dm(tile.b3dm);
  const doc = await new NodeIO().readBinary(d.glb);
  const prim = doc.getRoot().listMeshes()[0].listPrimitives()[0];

  it("carries the batch table Cesium picks from", () => {
    expect(d.featureTable.BATCH_LENGTH).toBe(2);
    expect(d.batchTable).toEqual({
      id: ["B-000001", "B-000002"],
      usage: ["office", "commercial"],
      floors: [10, 3],
      heightM: [32, 9.6],
      district: ["鼓楼区", "鼓楼区"],
    });
  });

  it("reads back as glTF with POSITION, NORMAL, _BATCHID and 78 indices", () => {
    expect(prim.getAttribute("POSITION")!.getCount()).toBe(50);
    expect(prim.getAttribute("NORMAL")!.getCount()).toBe(50);
    const batch = prim.getAttribute("_BATCHID")!.getArray()!;
    expect(Array.from(batch).filter((b) => b === 1)).toHaveLength(30);
    expect(prim.getIndices()!.getCount()).toBe(78);
    expect(prim.getIndices()!.getArray()).toBeInstanceOf(Uint16Array);
    expect(prim.getMode()).toBe(4); // TRIANGLES
  });

  it("has a bounding region that contains every vertex after the tile transform", () => {
    const pos = prim.getAttribute("POSITION")!.getArray()!;
    const [w, s, e, n, lo, hi] = tile.region;
    for (let i = 0; i < pos.length; i += 3) {
      const ecef = applyMatrix(tile.transform, gltfToEnu([pos[i], pos[i + 1], pos[i + 2]]));
      const g = fromEcef(ecef);
      const lon = (g.lon * Math.PI) / 180,
        lat = (g.lat * Math.PI) / 180;
      expect(lon).toBeGreaterThanOrEqual(w);
      expect(lon).toBeLessThanOrEqual(e);
      expect(lat).toBeGreaterThanOrEqual(s);
      expect(lat).toBeLessThanOrEqual(n);
      expect(g.h).toBeGreaterThanOrEqual(lo);
      expect(g.h).toBeLessThanOrEqual(hi);
    }
    // roof of the tower is 32 m above the ellipsoid (float32 positions: within a centimetre)
    let top = -Infinity;
    for (let i = 0; i < pos.length; i += 3)
      top = Math.max(top, fromEcef(applyMatrix(tile.transform, gltfToEnu([pos[i], pos[i + 1], pos[i + 2]]))).h);
    expect(top).toBeCloseTo(32, 1);
    expect(regionOf(fixture)[5]).toBe(33);
  });

  it("is deterministic: the same buildings give the same bytes", async () => {
    const again = await buildTile(fixture);
    expect(Buffer.compare(again.b3dm, tile.b3dm)).toBe(0);
  });
});

describe("tileset", () => {
  it("partitions into cells of at most maxPerTile buildings, keeping every building once", () => {
    const many: Building[] = Array.from({ length: 10 }, (_, i) => ({
      ...fixture[0],
      id: `B-${String(i + 1).padStart(6, "0")}`,
      footprint: fixture[0].footprint.map(
        ([x, y]) => [x + (i % 5) * 0.002, y + Math.floor(i / 5) * 0.002] as [number, number],
      ),
    }));
    const parts = partition(many, { cellDeg: 0.04, maxPerTile: 3, rootGeometricError: 1000 });
    expect(parts.every((p) => p.buildings.length <= 3)).toBe(true);
    expect(parts.flatMap((p) => p.buildings.map((b) => b.id)).sort()).toEqual(many.map((b) => b.id).sort());
  });

  it("writes tileset.json with a root region enclosing every child and one b3dm per child", async () => {
    const far = fixture.map((b, i) => ({
      ...b,
      id: `B-00010${i}`,
      footprint: b.footprint.map(([x, y]) => [x + 0.3, y - 0.2] as [number, number]),
    }));
    const { tileset, tiles } = await buildTileset([...fixture, ...far], tmp, { test: true });
    expect(tileset.asset.version).toBe("1.0");
    expect(tileset.root.refine).toBe("ADD");
    expect(tileset.root.children).toHaveLength(2);
    const [rw, rs, re, rn, rlo, rhi] = tileset.root.boundingVolume.region;
    for (const c of tileset.root.children) {
      const [w, s, e, n, lo, hi] = c.boundingVolume.region;
      expect(w >= rw && s >= rs && e <= re && n <= rn && lo >= rlo && hi <= rhi).toBe(true);
      expect(c.transform).toHaveLength(16);
      expect(c.geometricError).toBeLessThan(tileset.root.geometricError);
      const bytes = readFileSync(path.join(tmp, c.content.uri));
      expect(decodeB3dm(bytes).featureTable.BATCH_LENGTH).toBe(2);
    }
    expect(tiles.reduce((s, t) => s + t.buildings, 0)).toBe(4);
    expect(JSON.parse(readFileSync(path.join(tmp, "tileset.json"), "utf8")).asset.extras.rongtwin.test).toBe(true);
  });
});
