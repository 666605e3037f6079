/**
 * Where a bulk point layer's dots are on screen, without a pick pass. A click or hover on a dot is answered on the
 * CPU: a k-d tree (kdbush) over the objects' ground positions finds the few near the ground under the cursor; each is
 * projected exactly and kept when the cursor is inside the disc Cesium draws for it. The disc follows Cesium's point
 * shader (PointPrimitiveCollectionVS/FS): diameter (pixelSize + 2 × outlineWidth) × scaleByDistance, plus 3 device
 * pixels of anti-aliasing padding, and the 3 × 3-pixel rectangle of `scene.pick`; a point outside its
 * distanceDisplayCondition is not drawn and not hit.
 *
 * Why: a GPU pick waits for the GPU to draw the pick pass (most of a pick's time under software GL, and one first
 * pick in several took 4-6× the others); this answers in well under a millisecond, the same every time.
 */
import KDBush from "kdbush";
import { makeProjection, toLocal, type LocalProjection } from "../planner/geo";

interface LonLat {
  lon: number;
  lat: number;
}

/** Cesium's NearFarScalar and DistanceDisplayCondition, as far as the disc's size and visibility need them */
export interface NearFar {
  near: number;
  nearValue: number;
  far: number;
  farValue: number;
}
export interface DisplayRange {
  near: number;
  far: number;
}

/** Cesium's czm_nearFarScalar: the value at a camera distance (squared), eased with t^0.2 between near and far */
export function nearFarValue(s: NearFar | undefined, distSq: number): number {
  if (!s) return 1;
  const nearSq = s.near * s.near;
  const farSq = s.far * s.far;
  const t = Math.min(1, Math.max(0, (distSq - nearSq) / (farSq - nearSq)));
  return s.nearValue + (s.farValue - s.nearValue) * Math.pow(t, 0.2);
}

/** whether a point with this display condition is drawn at a camera distance (squared) */
export function shownAt(d: DisplayRange | undefined, distSq: number): boolean {
  return !d || (distSq >= d.near * d.near && distSq <= d.far * d.far);
}

/**
 * The radius, in CSS pixels, within which a click finds a point: half Cesium's drawn size (with its 3 device pixels
 * of padding), plus the 1 device pixel by which `scene.pick`'s 3 × 3 rectangle reaches past the cursor.
 */
export function hitRadiusPx(pixelSize: number, outlineWidth: number, scale: number, pixelRatio: number): number {
  const drawn = (pixelSize + 2 * outlineWidth) * scale;
  if (drawn <= 0) return 0;
  return drawn / 2 + (3 / 2 + 1) / pixelRatio;
}

/** the objects of one layer by ground position (the shared local metric projection about their centre), built once */
export class PointHitIndex {
  /** null for a layer without objects */
  private readonly tree: KDBush | null;
  private readonly proj: LocalProjection;

  constructor(items: readonly LonLat[]) {
    let lon = 0,
      lat = 0;
    for (const it of items) {
      lon += it.lon;
      lat += it.lat;
    }
    const n = Math.max(1, items.length);
    this.proj = makeProjection(lon / n, lat / n);
    if (!items.length) {
      this.tree = null;
      return;
    }
    const tree = new KDBush(items.length);
    for (const it of items) tree.add(...toLocal(this.proj, it.lon, it.lat));
    this.tree = tree.finish();
  }

  /** indices of the objects within `radiusM` metres of a ground position (an approximation: callers re-check) */
  near(lon: number, lat: number, radiusM: number): number[] {
    if (!this.tree) return [];
    const [x, y] = toLocal(this.proj, lon, lat);
    return this.tree.within(x, y, radiusM);
  }
}
