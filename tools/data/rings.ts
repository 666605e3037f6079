/** Point-in-polygon over flat ring arrays, shared by the district index and the land mask. */

export interface PolyRings {
  bbox: [number, number, number, number];
  /** flat x,y pairs; ring 0 outer, the others holes */
  rings: Float64Array[];
}

/** Even-odd crossing test of (x, y) against one ring of flat x,y pairs. */
export function inRing(x: number, y: number, r: Float64Array): boolean {
  let inside = false;
  const n = r.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = r[2 * i],
      yi = r[2 * i + 1],
      xj = r[2 * j],
      yj = r[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Is (x, y) inside any of the polygons (inside the outer ring, in none of its holes)? */
export function inPolys(polys: readonly PolyRings[], x: number, y: number): boolean {
  for (const p of polys) {
    if (x < p.bbox[0] || x > p.bbox[2] || y < p.bbox[1] || y > p.bbox[3]) continue;
    if (!inRing(x, y, p.rings[0])) continue;
    let hole = false;
    for (let i = 1; i < p.rings.length && !hole; i++) hole = inRing(x, y, p.rings[i]);
    if (!hole) return true;
  }
  return false;
}
