/**
 * Extruded building prisms: walls + flat roof, flat normals, one batch id per building, in a tile's local
 * ENU frame converted to glTF's y-up convention — glTF (x, y, z) = ENU (east, up, -north). Cesium rotates
 * b3dm glTF from y-up to z-up (x, y, z) -> (x, -z, y) before the tile transform, which gives back ENU.
 */
import type { Building } from "../../src/protocol/data";
import { type EnuFrame, type Vec3, toEnu } from "./geodesy";
import { triangulate } from "./triangulate";

export interface MeshArrays {
  positions: Float32Array;
  normals: Float32Array;
  batchIds: Float32Array;
  indices: Uint32Array;
  /** vertices and triangles per building, in batch order */
  vertexCount: number;
  triangleCount: number;
}

/** ENU -> glTF y-up */
export const enuToGltf = ([e, n, u]: Vec3): Vec3 => [e, u, 0 - n];
/** glTF y-up -> ENU */
export const gltfToEnu = ([x, y, z]: Vec3): Vec3 => [x, 0 - z, y];

export function prismCounts(footprintVertices: number): { vertices: number; triangles: number } {
  const n = footprintVertices;
  return { vertices: 4 * n + n, triangles: 2 * n + (n - 2) };
}

export function buildPrisms(buildings: readonly Building[], frame: EnuFrame): MeshArrays {
  let nv = 0,
    nt = 0;
  for (const b of buildings) {
    const c = prismCounts(b.footprint.length);
    nv += c.vertices;
    nt += c.triangles;
  }
  const positions = new Float32Array(nv * 3);
  const normals = new Float32Array(nv * 3);
  const batchIds = new Float32Array(nv);
  const indices = new Uint32Array(nt * 3);
  let v = 0,
    t = 0;
  const put = (p: Vec3, nrm: Vec3, batch: number) => {
    const g = enuToGltf(p),
      gn = enuToGltf(nrm);
    positions.set(g, v * 3);
    normals.set(gn, v * 3);
    batchIds[v] = batch;
    return v++;
  };
  buildings.forEach((b, batch) => {
    // footprint in ENU at ground (h = 0); walls go up to heightM
    const ring = b.footprint.map(([lon, lat]) => toEnu(frame, lon, lat, 0));
    // make the ring counter-clockwise seen from above
    let area = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
      area += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
    if (area < 0) ring.reverse(); // this edge sum is positive for counter-clockwise rings
    const h = b.heightM;
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      const a = ring[i],
        c = ring[(i + 1) % n];
      const dx = c[0] - a[0],
        dy = c[1] - a[1];
      const len = Math.hypot(dx, dy) || 1;
      const nrm: Vec3 = [dy / len, -dx / len, 0]; // outward for a CCW ring
      const a0 = put([a[0], a[1], a[2]], nrm, batch);
      const c0 = put([c[0], c[1], c[2]], nrm, batch);
      const c1 = put([c[0], c[1], c[2] + h], nrm, batch);
      const a1 = put([a[0], a[1], a[2] + h], nrm, batch);
      indices.set([a0, c0, c1, a0, c1, a1], t * 3);
      t += 2;
    }
    const roofStart = v;
    for (const p of ring) put([p[0], p[1], p[2] + h], [0, 0, 1], batch);
    for (const [i, j, k] of triangulate(ring.map((p) => [p[0], p[1]] as [number, number]))) {
      indices.set([roofStart + i, roofStart + j, roofStart + k], t * 3);
      t++;
    }
  });
  if (v !== nv || t !== nt) throw new Error(`prism: expected ${nv} vertices/${nt} triangles, built ${v}/${t}`);
  return { positions, normals, batchIds, indices, vertexCount: nv, triangleCount: nt };
}
