/**
 * The lost-coverage footprint on the ground: one Primitive whose instances are the footprint's row runs (cells of a
 * lattice row merged into one rectangle), rebuilt only when the footprint changes; and the neighbouring sites that
 * took over, as rings in one PointPrimitiveCollection. Never an Entity per cell.
 */
import {
  Color,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  Primitive,
  Rectangle,
  RectangleGeometry,
  Cartesian3,
  type Scene,
} from "cesium";
import type { GridGeometry } from "../../planner/coverage";
import { makeProjection, toLonLat } from "../../planner/geo";
import type { ImpactResult } from "../../planner/outage-impact";

/** Runs beyond this are not drawn (a storm's footprint stays readable; the tile still counts every cell). */
const MAX_RUNS = 20000;
const FILL = Color.fromCssColorString("#ff4d4f").withAlpha(0.5);
const RING = Color.fromCssColorString("#2ad4ff");

/** lon/lat rectangles [west, south, east, north] of row runs [row, firstCol, lastCol] over a lattice. */
export function runRectangles(runs: Int32Array, g: GridGeometry, max = MAX_RUNS): [number, number, number, number][] {
  const proj = makeProjection(g.lon0, g.lat0),
    cs = g.cellSizeM;
  const out: [number, number, number, number][] = [];
  for (let k = 0; k + 2 < runs.length && out.length < max; k += 3) {
    const [w, s] = toLonLat(proj, g.originX + runs[k + 1] * cs, g.originY + runs[k] * cs);
    const [e, n] = toLonLat(proj, g.originX + (runs[k + 2] + 1) * cs, g.originY + (runs[k] + 1) * cs);
    out.push([w, s, e, n]);
  }
  return out;
}

export class ImpactFootprint {
  private prim: Primitive | null = null;
  private rings: PointPrimitiveCollection | null = null;
  private key = "";
  private scene: Scene | null = null;
  /** rectangles drawn now (tests) */
  drawn = 0;

  constructor(private getScene: () => Scene) {}

  update(r: ImpactResult | null): void {
    const scene = this.getScene();
    const key = r ? `${r.runs.length}:${hashRuns(r.runs)}:${r.sites.map((s) => s.id).join(",")}` : "";
    if (scene === this.scene && key === this.key) return;
    this.clear();
    this.scene = scene;
    this.key = key;
    if (!r || !r.runs.length) {
      scene.requestRender();
      return;
    }
    const rects = runRectangles(r.runs, r.lattice);
    this.prim = new Primitive({
      geometryInstances: rects.map(
        ([w, s, e, n]) =>
          new GeometryInstance({
            geometry: new RectangleGeometry({
              rectangle: Rectangle.fromDegrees(w, s, e, n),
              height: 6,
              vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
            }),
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(FILL) },
          }),
      ),
      appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }),
      asynchronous: false,
    });
    scene.primitives.add(this.prim);
    this.rings = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
    const seen = new Set<string>();
    for (const s of r.sites)
      for (const nb of s.neighbours)
        if (!seen.has(nb.id)) {
          seen.add(nb.id);
          this.rings.add({
            position: Cartesian3.fromDegrees(nb.lon, nb.lat, 30),
            pixelSize: 14,
            color: Color.TRANSPARENT,
            outlineColor: RING,
            outlineWidth: 3,
          });
        }
    this.drawn = rects.length;
    scene.requestRender();
  }

  /** scene primitives this footprint adds, counting each neighbour ring (it changes with the outages) */
  primitiveCount(): number {
    return (this.prim ? 1 : 0) + (this.rings ? 1 + this.rings.length : 0);
  }

  private clear(): void {
    const sc = this.scene;
    if (sc && !sc.isDestroyed()) {
      if (this.prim) sc.primitives.remove(this.prim);
      if (this.rings) sc.primitives.remove(this.rings);
    }
    this.prim = null;
    this.rings = null;
    this.drawn = 0;
  }

  destroy(): void {
    this.clear();
    if (this.scene && !this.scene.isDestroyed()) this.scene.requestRender();
    this.scene = null;
  }
}

function hashRuns(a: Int32Array): number {
  let h = 2166136261;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i], 16777619);
  return h >>> 0;
}
