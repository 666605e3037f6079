/**
 * Spatial cells for a bulk point layer: the objects are split into a few PointPrimitiveCollections by position
 * (k-d halving on the wider of longitude/latitude until a cell holds at most `maxPerCell`), each with its own
 * bounding volume. Why: Cesium culls per collection, never per point, so a pick — which renders only a 3×3-pixel
 * frustum — still ran the vertex shader of every point of a city-wide collection (most of a warm pick under
 * software GL, bench/interaction.ts --breakdown "without points"); with cells it runs only the cells under the
 * cursor, and a zoomed-in frame only the cells in view. The price is a few more draw calls at city scale (16 for
 * the 30k sites). Cells are built once; objects never move between them.
 */
import { PointPrimitiveCollection, PrimitiveCollection, type PointPrimitive } from "cesium";

export const MAX_PER_CELL = 2048;
/** at most this many cells (draw calls) per layer: a 300k layer gets cells of ~9k, not 256 of 2k */
export const MAX_CELLS = 32;

interface LonLat {
  lon: number;
  lat: number;
}

/** the cell of every object (`cellOf[i]`) and the number of cells; cells are balanced by object count */
export function splitIntoCells(
  items: readonly LonLat[],
  maxPerCell = MAX_PER_CELL,
): { cellOf: Uint32Array; cells: number } {
  const n = items.length;
  const order = new Uint32Array(n);
  const lons = new Float64Array(n);
  const lats = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    lons[i] = items[i].lon;
    lats[i] = items[i].lat;
  }
  const cellOf = new Uint32Array(n);
  let cells = 0;
  const stack: [number, number][] = [[0, n]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    if (to - from <= maxPerCell) {
      for (let k = from; k < to; k++) cellOf[order[k]] = cells;
      cells++;
      continue;
    }
    let minLon = Infinity,
      maxLon = -Infinity,
      minLat = Infinity,
      maxLat = -Infinity;
    for (let k = from; k < to; k++) {
      const lon = lons[order[k]],
        lat = lats[order[k]];
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
    const byLon = (maxLon - minLon) * Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180) >= maxLat - minLat;
    const mid = from + Math.floor((to - from) / 2);
    selectNth(order, from, to - 1, mid, byLon ? lons : lats);
    // the second half is popped first; pushing it first keeps cell numbers in west/south-to-east/north order
    stack.push([mid, to], [from, mid]);
  }
  return { cellOf, cells: Math.max(cells, 1) };
}

/**
 * Reorders `a[lo..hi]` so that `a[n]` holds the object whose key is n-th smallest, none after it smaller and none
 * before it larger (Hoare's selection: linear on average, so a 300k layer splits in milliseconds, not a sort per level)
 */
function selectNth(a: Uint32Array, lo: number, hi: number, n: number, key: Float64Array): void {
  while (hi > lo) {
    const pivot = key[a[(lo + hi) >> 1]];
    let i = lo,
      j = hi;
    while (i <= j) {
      while (key[a[i]] < pivot) i++;
      while (key[a[j]] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (n <= j) hi = j;
    else if (n >= i) lo = i;
    else return;
  }
}

/** the point collections of one layer, one per cell, under one PrimitiveCollection added to the scene */
export class PointCells {
  /** add this to the scene; removing it from the scene destroys every cell */
  readonly root = new PrimitiveCollection();
  private readonly cells: PointPrimitiveCollection[] = [];
  private readonly cellOf: Uint32Array;

  constructor(items: readonly LonLat[], maxPerCell = Math.max(MAX_PER_CELL, Math.ceil(items.length / MAX_CELLS))) {
    const split = splitIntoCells(items, maxPerCell);
    this.cellOf = split.cellOf;
    for (let c = 0; c < split.cells; c++) {
      const cell = new PointPrimitiveCollection();
      this.root.add(cell);
      this.cells.push(cell);
    }
  }

  /** the point of object `i` (added in the cell it belongs to) */
  add(i: number, options: Record<string, unknown>): PointPrimitive {
    return this.cells[this.cellOf[i]].add(options);
  }

  get cellCount(): number {
    return this.cells.length;
  }

  /** points in all cells */
  get length(): number {
    let n = 0;
    for (const c of this.cells) n += c.length;
    return n;
  }

  get show(): boolean {
    return this.root.show;
  }

  set show(v: boolean) {
    this.root.show = v;
  }
}
