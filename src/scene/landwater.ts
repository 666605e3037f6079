/**
 * Land and water under the city: the land of the Fuzhou frame (OpenStreetMap coastline data, cut at build time)
 * as one batched polygon primitive a touch lighter than the deep-navy sea (the globe's base colour), and the Min
 * River surfaces drawn over it in the sea's colour, so water reads as water at every zoom. Two primitives in all.
 */
import {
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  Credit,
  GeometryInstance,
  PerInstanceColorAppearance,
  PolygonGeometry,
  PolygonHierarchy,
  Primitive,
  type CesiumWidget,
} from "cesium";
import type { LandWaterFile, LonLat } from "../protocol/data";

export const LAND_COLOUR = "#0d2643";
export const WATER_COLOUR = "#061a31";

const cart = (ring: LonLat[], h: number) => ring.map(([lo, la]) => Cartesian3.fromDegrees(lo, la, h));

function polygonsOf(f: LandWaterFile["features"][number]): LonLat[][][] {
  return f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
}

function batch(polys: LonLat[][][], colour: Color, height: number): Primitive {
  return new Primitive({
    geometryInstances: polys.map(
      ([outer, ...holes]) =>
        new GeometryInstance({
          geometry: new PolygonGeometry({
            polygonHierarchy: new PolygonHierarchy(
              cart(outer, height),
              holes.map((r) => new PolygonHierarchy(cart(r, height))),
            ),
            height,
            vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
          }),
          attributes: { color: ColorGeometryInstanceAttribute.fromColor(colour) },
        }),
    ),
    appearance: new PerInstanceColorAppearance({ flat: true, translucent: false }),
    asynchronous: false,
  });
}

export class LandWaterView {
  private readonly land: Primitive;
  private readonly water: Primitive;

  constructor(
    private readonly widget: CesiumWidget,
    file: LandWaterFile,
  ) {
    const land = file.features.filter((f) => f.properties.kind === "land").flatMap(polygonsOf);
    const water = file.features.filter((f) => f.properties.kind === "river").flatMap(polygonsOf);
    this.land = batch(land, Color.fromCssColorString(LAND_COLOUR), 0);
    this.water = batch(water, Color.fromCssColorString(WATER_COLOUR), 8);
    const scene = widget.scene;
    // under everything else: the district tint, outlines, layers and labels are added later
    scene.primitives.add(this.land, 0);
    widget.creditDisplay.addStaticCredit(new Credit(file.attribution));
    scene.requestRender();
  }

  /** the land and water surfaces: drawn for looks only, never the answer to a click (the pick pass skips them) */
  get decorations(): Primitive[] {
    return [this.land, this.water];
  }

  /** the water surfaces go above the district tint (at `index`, just after it), below outlines and layers */
  addWater(index: number): void {
    const prims = this.widget.scene.primitives;
    prims.add(this.water, Math.min(index, prims.length));
    this.widget.scene.requestRender();
  }

  destroy(): void {
    this.widget.scene.primitives.remove(this.land);
    this.widget.scene.primitives.remove(this.water);
  }
}
