/**
 * Build-time repair of polygon geometry: the district package's simplified rings cross and touch themselves
 * (figure-eights, pinched necks), which makes point-in-polygon answers depend on the algorithm. `repairPolygon`
 * resolves crossings with a self-union (polyclip-ts via turf.union: the outline is unchanged, only the topology is
 * rebuilt) and then splits every ring that still touches itself at a vertex into simple rings — a lobe with the
 * ring's orientation becomes its own polygon, a loop of the opposite orientation becomes a hole.
 */
import * as turf from "@turf/turf";
import type { Feature, MultiPolygon, Polygon } from "geojson";

type Pos = [number, number];
type Ring = Pos[];

const key = (p: Pos) => `${p[0]},${p[1]}`;

/** signed area (shoelace, degrees²): > 0 counter-clockwise */
export function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return s / 2;
}

/** Split a closed ring (first == last) at every vertex it visits twice, into rings that visit no vertex twice. */
export function splitPinches(ring: Ring): Ring[] {
  const open = ring.slice(0, -1);
  const out: Ring[] = [];
  const stack: Pos[] = [];
  const seen = new Map<string, number>();
  for (const p of open) {
    const k = key(p);
    const at = seen.get(k);
    if (at !== undefined) {
      const loop = stack.splice(at);
      for (const q of loop) seen.delete(key(q));
      if (loop.length >= 3) out.push([...loop, loop[0]]);
    }
    seen.set(k, stack.length);
    stack.push(p);
  }
  if (stack.length >= 3) out.push([...stack, stack[0]]);
  return out;
}

/**
 * A valid (OGC simple) Polygon or MultiPolygon with the same outline as the input. Slivers left by the crossings
 * (rings under `minRingDeg2`, 1e-6 deg² ≈ 0.012 km² at Fuzhou's latitude) are dropped.
 */
export function repairPolygon<P extends Record<string, unknown>>(
  f: Feature<Polygon | MultiPolygon, P>,
  minRingDeg2 = 1e-6,
): Feature<Polygon | MultiPolygon, P> {
  const unioned = turf.union(turf.featureCollection([f, f]));
  if (!unioned) throw new Error("repairPolygon: the polygon has no area");
  const src = unioned.geometry.type === "Polygon" ? [unioned.geometry.coordinates] : unioned.geometry.coordinates;
  const polys: Ring[][] = [];
  for (const poly of src) {
    const [outer, ...holes] = poly as Ring[];
    const shellSign = Math.sign(signedArea(outer));
    const shells: Ring[] = [];
    const holeRings: Ring[] = [];
    const sort = (r: Ring) => {
      const a = signedArea(r);
      if (Math.abs(a) >= minRingDeg2) (Math.sign(a) === shellSign ? shells : holeRings).push(r);
    };
    for (const r of splitPinches(outer)) sort(r);
    for (const h of holes) for (const r of splitPinches(h)) sort(r);
    for (const s of shells) {
      const inside = holeRings.filter((h) => turf.booleanPointInPolygon(interiorPoint(h), turf.polygon([s])));
      polys.push([s, ...inside]);
    }
  }
  separateTouches(polys);
  shrinkTouchingParts(polys);
  const geometry: Polygon | MultiPolygon =
    polys.length === 1 ? { type: "Polygon", coordinates: polys[0] } : { type: "MultiPolygon", coordinates: polys };
  return { ...f, geometry };
}

/** a point strictly inside a simple ring: the centroid of its largest ear-ish triangle is enough for the test */
function interiorPoint(ring: Ring): Pos {
  const c = turf.pointOnFeature(turf.polygon([ring])).geometry.coordinates;
  return [c[0], c[1]];
}

/** ~2 m: how far a vertex shared by two rings is moved into its own ring so the rings no longer touch */
const NUDGE_DEG = 2e-5;

/**
 * Rings that touch each other at a vertex (two lobes of a MultiPolygon, a hole on its shell) are not OGC-valid for
 * turf.booleanValid: the later ring's copy of the vertex moves ~2 m towards the midpoint of its neighbours.
 */
function separateTouches(polys: Ring[][]): void {
  const owner = new Map<string, Ring>();
  for (const poly of polys)
    for (const ring of poly)
      for (let i = 0; i < ring.length - 1; i++) {
        const k = key(ring[i]);
        const first = owner.get(k);
        if (first === undefined) {
          owner.set(k, ring);
          continue;
        }
        if (first === ring) continue;
        const n = ring.length - 1;
        const prev = ring[(i - 1 + n) % n];
        const next = ring[(i + 1) % n];
        const mx = (prev[0] + next[0]) / 2 - ring[i][0];
        const my = (prev[1] + next[1]) / 2 - ring[i][1];
        const len = Math.hypot(mx, my) || 1;
        const moved: Pos = [ring[i][0] + (mx / len) * NUDGE_DEG, ring[i][1] + (my / len) * NUDGE_DEG];
        ring[i] = moved;
        if (i === 0) ring[n] = moved;
      }
}

/**
 * A lobe that still touches another lobe along an edge (vertex on edge) shrinks ~2 m towards its own centre; the
 * smaller of the two moves so the outline of the district stays where it was to within metres.
 */
function shrinkTouchingParts(polys: Ring[][]): void {
  if (polys.length < 2) return;
  const area = (p: Ring[]) => Math.abs(signedArea(p[0]));
  for (let i = 0; i < polys.length; i++)
    for (let j = i + 1; j < polys.length; j++) {
      const a = turf.polygon(polys[i]);
      const b = turf.polygon(polys[j]);
      if (!turf.booleanIntersects(a, b)) continue;
      const k = area(polys[i]) < area(polys[j]) ? i : j;
      const [cx, cy] = turf.centroid(turf.polygon(polys[k])).geometry.coordinates;
      polys[k] = polys[k].map((ring) =>
        ring.map(([x, y]): Pos => {
          const len = Math.hypot(cx - x, cy - y) || 1;
          return [x + ((cx - x) / len) * NUDGE_DEG, y + ((cy - y) / len) * NUDGE_DEG];
        }),
      );
    }
}
