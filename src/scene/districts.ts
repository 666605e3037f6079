/**
 * The city basemap drawn over the dark globe: the 13 county-level districts as translucent land polygons with
 * thin glowing cyan borders and name labels, the Min River where derived, and labelled landmark pins. A handful of
 * batched primitives in all — never one Entity per object.
 */
import {
  ArcType,
  Cartesian2,
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  DistanceDisplayCondition,
  GeometryInstance,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  Material,
  NearFarScalar,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineCollection,
  Primitive,
  VerticalOrigin,
  type Label,
  type Scene,
} from "cesium";
import type { DistrictsFile, Landmark, LonLat } from "../protocol/data";
import { FONT_STACK } from "../ui/theme";
import type { Lang } from "../ui/i18n";

type Ring = LonLat[];

function ringsOf(f: DistrictsFile["features"][number]): Ring[][] {
  return f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
}

const toCartesians = (ring: Ring, h = 0): Cartesian3[] => ring.map(([lo, la]) => Cartesian3.fromDegrees(lo, la, h));

export interface DistrictsView {
  show(v: boolean): void;
  setLang(lang: Lang): void;
  /** draw the names after everything added since (the live layers) */
  raiseLabels(): void;
  /** every primitive drawn here: decoration only, never part of a pick (src/scene/picking.ts) */
  readonly decorations: readonly { show: boolean }[];
  destroy(): void;
}

const LAND = Color.fromCssColorString("#0b2540");
const EDGE = Color.fromCssColorString("#2ad4ff");
const WATER = Color.fromCssColorString("#1b6fa8").withAlpha(0.9);
const PIN = Color.fromCssColorString("#ffd27a");
const NIGHT_INK = Color.fromCssColorString("#04101f");

interface Names {
  zh: string;
  en: string;
}

/** The land fill and its glowing outlines: one polygon instance and one polyline per ring of every district. */
class DistrictShapes {
  readonly fill: Primitive;
  readonly outlines = new PolylineCollection();

  constructor(file: DistrictsFile, fillAlpha: number) {
    const land = LAND.withAlpha(fillAlpha);
    const instances: GeometryInstance[] = [];
    file.features.forEach((f, i) => {
      const color = i % 2 ? land : land.brighten(0.06, new Color());
      for (const [outer, ...holes] of ringsOf(f)) {
        instances.push(DistrictShapes.instance(f.properties.name, outer, holes, color));
        this.outlines.add({
          positions: toCartesians([...outer, outer[0]], 30),
          width: 3,
          // one Material per polyline (a shared one is destroyed once per polyline and the second destroy throws)
          material: Material.fromType("PolylineGlow", { color: EDGE.withAlpha(0.9), glowPower: 0.25, taperPower: 1.0 }),
          arcType: ArcType.GEODESIC,
        } as never);
      }
    });
    this.fill = new Primitive({
      geometryInstances: instances,
      appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }),
      asynchronous: false,
      // land is decoration: no pick commands, no pick shader to compile
      allowPicking: false,
    });
  }

  private static instance(name: string, outer: Ring, holes: Ring[], color: Color): GeometryInstance {
    return new GeometryInstance({
      id: { kind: "district", name },
      geometry: new PolygonGeometry({
        polygonHierarchy: new PolygonHierarchy(
          toCartesians(outer),
          holes.map((h) => new PolygonHierarchy(toCartesians(h))),
        ),
        height: 0,
        vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
      }),
      attributes: { color: ColorGeometryInstanceAttribute.fromColor(color) },
    });
  }
}

/** the Min River as plain water-coloured lines, or null when there is none to draw */
function riverLines(river: Ring[] | null): PolylineCollection | null {
  if (!river || !river.length) return null;
  const lines = new PolylineCollection();
  for (const r of river)
    lines.add({
      positions: toCartesians(r, 20),
      width: 4,
      material: Material.fromType("Color", { color: WATER }),
    } as never);
  return lines;
}

/** District names and landmark pins with their names, in both languages. */
class DistrictLabels {
  readonly labels: LabelCollection;
  readonly pins = new PointPrimitiveCollection();
  private readonly named: { label: Label; names: Names }[] = [];

  constructor(scene: Scene, file: DistrictsFile, landmarks: Landmark[]) {
    this.labels = new LabelCollection({ scene });
    for (const f of file.features) this.addDistrict(f);
    for (const l of landmarks) this.addLandmark(l);
  }

  setLang(lang: Lang): void {
    for (const { label, names } of this.named) label.text = names[lang];
  }

  private addDistrict(f: DistrictsFile["features"][number]): void {
    const label = this.labels.add({
      position: Cartesian3.fromDegrees(f.properties.cp[0], f.properties.cp[1], 200),
      text: f.properties.name,
      font: `bold 18px ${FONT_STACK}`,
      fillColor: Color.fromCssColorString("#bff3ff"),
      outlineColor: NIGHT_INK,
      outlineWidth: 4,
      style: LabelStyle.FILL_AND_OUTLINE,
      // a dark plate under the name: readable over thousands of bright points (long English names most of all)
      showBackground: true,
      backgroundColor: NIGHT_INK.withAlpha(0.72),
      backgroundPadding: new Cartesian2(6, 3),
      horizontalOrigin: HorizontalOrigin.CENTER,
      verticalOrigin: VerticalOrigin.CENTER,
      scaleByDistance: new NearFarScalar(20000, 1.1, 400000, 0.7),
      // names stay readable above the point layers
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      distanceDisplayCondition: new DistanceDisplayCondition(0, 600000),
    });
    this.named.push({ label, names: { zh: f.properties.name, en: f.properties.nameEn } });
  }

  private addLandmark(l: Landmark): void {
    this.pins.add({
      position: Cartesian3.fromDegrees(l.lon, l.lat, 60),
      pixelSize: 7,
      color: PIN,
      outlineColor: Color.BLACK,
      outlineWidth: 1,
    });
    const label = this.labels.add({
      position: Cartesian3.fromDegrees(l.lon, l.lat, 60),
      text: l.name,
      font: `13px ${FONT_STACK}`,
      fillColor: PIN,
      outlineColor: NIGHT_INK,
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      pixelOffset: new Cartesian2(8, 0),
      horizontalOrigin: HorizontalOrigin.LEFT,
      verticalOrigin: VerticalOrigin.CENTER,
      // landmarks only when zoomed in enough that they do not clutter the whole-city view
      distanceDisplayCondition: new DistanceDisplayCondition(0, 90000),
    });
    this.named.push({ label, names: { zh: l.name, en: l.nameEn } });
  }
}

/**
 * The districts view in a scene. Lifecycle: the constructor builds every primitive and adds them to the scene
 * (fill, outlines, river, pins, labels, in that order); `destroy` removes them.
 */
class DistrictsPrimitives implements DistrictsView {
  readonly decorations: readonly { show: boolean }[];
  private readonly shapes: DistrictShapes;
  private readonly river: PolylineCollection | null;
  private readonly names: DistrictLabels;

  constructor(
    private readonly scene: Scene,
    file: DistrictsFile,
    landmarks: Landmark[],
    river: Ring[] | null,
    fillAlpha: number,
  ) {
    this.shapes = new DistrictShapes(file, fillAlpha);
    this.river = riverLines(river);
    this.names = new DistrictLabels(scene, file, landmarks);
    this.decorations = this.primitives();
    for (const p of this.decorations) scene.primitives.add(p);
  }

  show(v: boolean): void {
    this.shapes.fill.show = v;
    this.shapes.outlines.show = v;
    this.names.labels.show = v;
    this.scene.requestRender();
  }

  raiseLabels(): void {
    this.scene.primitives.raiseToTop(this.names.labels);
  }

  setLang(lang: Lang): void {
    this.names.setLang(lang);
    this.scene.requestRender();
  }

  destroy(): void {
    for (const p of this.primitives()) this.scene.primitives.remove(p);
  }

  private primitives(): (Primitive | PolylineCollection | PointPrimitiveCollection | LabelCollection)[] {
    const { fill, outlines } = this.shapes;
    const { pins, labels } = this.names;
    return [fill, outlines, this.river, pins, labels].filter((p) => p !== null);
  }
}

export function drawDistricts(
  scene: Scene,
  file: DistrictsFile,
  landmarks: Landmark[],
  river: Ring[] | null,
  fillAlpha = 0.78,
): DistrictsView {
  return new DistrictsPrimitives(scene, file, landmarks, river, fillAlpha);
}
