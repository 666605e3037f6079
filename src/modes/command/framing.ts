/**
 * How far the wall's camera stands back from an alarm's object: far enough that the object is seen among its
 * neighbours (the nearest few 5G sites, the densest layer, present in every street: a data centre's own layer is
 * a handful across the whole city), its streets, district and the land and water around it, never a lone
 * dot; near enough to tell which one it is. The radius to show is measured from the data (a downtown site's
 * neighbours are 300 m away, a rural one's 5 km), and the range follows the screen's narrower field of view, so an
 * ultra-wide 5760x1080 wall (a vertical field of view of ~12 degrees) stands back further than a 16:9 one.
 */

/** at least this much ground around the object (m): a few blocks, the nearest roads, a stretch of coast or river */
export const MIN_RADIUS_M = 900;
/** at most this much: beyond it the object itself is lost */
export const MAX_RADIUS_M = 12_000;
/** how many neighbours of the same layer should be in view */
export const NEIGHBOURS = 6;

const M_PER_DEG = 111_320;

/** distance (m) from point `i` to its k-th nearest neighbour among `count` points (Infinity if there are fewer) */
export function kthNeighbourM(
  count: number,
  at: (j: number) => { lon: number; lat: number },
  i: number,
  k = NEIGHBOURS,
): number {
  return kthNearestM(count, at, at(i), i, k);
}

/**
 * distance (m) from `p` to the k-th nearest of `count` points, leaving out index `skip` (the object itself when it is
 * one of them; -1 otherwise); Infinity if there are fewer
 */
export function kthNearestM(
  count: number,
  at: (j: number) => { lon: number; lat: number },
  p: { lon: number; lat: number },
  skip = -1,
  k = NEIGHBOURS,
): number {
  const kx = Math.cos((p.lat * Math.PI) / 180) * M_PER_DEG;
  // the k smallest squared distances, kept sorted (k is small)
  const best: number[] = [];
  for (let j = 0; j < count; j++) {
    if (j === skip) continue;
    const q = at(j);
    const dx = (q.lon - p.lon) * kx;
    const dy = (q.lat - p.lat) * M_PER_DEG;
    const d2 = dx * dx + dy * dy;
    if (best.length === k && d2 >= best[k - 1]) continue;
    let s = best.length < k ? best.length : k - 1;
    while (s > 0 && best[s - 1] > d2) {
      best[s] = best[s - 1];
      s--;
    }
    best[s] = d2;
  }
  return best.length < k ? Infinity : Math.sqrt(best[k - 1]);
}

/** the ground radius to show around an object whose k-th neighbour is `neighbourM` away */
export function followRadiusM(neighbourM: number): number {
  const r = Number.isFinite(neighbourM) ? neighbourM * 1.25 : MAX_RADIUS_M;
  return Math.min(MAX_RADIUS_M, Math.max(MIN_RADIUS_M, r));
}

/**
 * Camera range (m) that shows `radiusM` of ground around the target on a screen of `aspect` (width / height) with
 * Cesium's `fov` (radians; the horizontal field of view on a landscape screen, the vertical one on a portrait one).
 */
export function followRangeM(radiusM: number, fov: number, aspect: number): number {
  const half = fov / 2;
  const halfX = aspect >= 1 ? half : Math.atan(Math.tan(half) * aspect);
  const halfY = aspect >= 1 ? Math.atan(Math.tan(half) / aspect) : half;
  return radiusM / Math.tan(Math.min(halfX, halfY));
}
