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

export function drawDistricts(
  scene: Scene,
  file: DistrictsFile,
  landmarks: Landmark[],
  river: Ring[] | null,
  fillAlpha = 0.78,
): DistrictsView {
  const instances: GeometryInstance[] = [];
  const outlines = new PolylineCollection();
  const labels = new LabelCollection({ scene });
  const pins = new PointPrimitiveCollection();
  const land = Color.fromCssColorString("#0b2540").withAlpha(fillAlpha);
  const edge = Color.fromCssColorString("#2ad4ff");
  // one Material per polyline (a shared one is destroyed once per polyline and the second destroy throws)
  const glow = () =>
    Material.fromType("PolylineGlow", { color: edge.withAlpha(0.9), glowPower: 0.25, taperPower: 1.0 });

  file.features.forEach((f, i) => {
    for (const poly of ringsOf(f)) {
      const [outer, ...holes] = poly;
      instances.push(
        new GeometryInstance({
          id: { kind: "district", name: f.properties.name },
          geometry: new PolygonGeometry({
            polygonHierarchy: new PolygonHierarchy(
              toCartesians(outer),
              holes.map((h) => new PolygonHierarchy(toCartesians(h))),
            ),
            height: 0,
            vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
          }),
          attributes: {
            color: ColorGeometryInstanceAttribute.fromColor(i % 2 ? land : land.brighten(0.06, new Color())),
          },
        }),
      );
      outlines.add({
        positions: toCartesians([...outer, outer[0]], 30),
        width: 3,
        material: glow(),
        arcType: ArcType.GEODESIC,
      } as never);
    }
  });
  const fill = new Primitive({
    geometryInstances: instances,
    appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }),
    asynchronous: false,
    // land is decoration: no pick commands, no pick shader to compile
    allowPicking: false,
  });

  let riverLines: PolylineCollection | null = null;
  if (river && river.length) {
    riverLines = new PolylineCollection();
    const waterColor = Color.fromCssColorString("#1b6fa8").withAlpha(0.9);
    for (const r of river)
      riverLines.add({
        positions: toCartesians(r, 20),
        width: 4,
        material: Material.fromType("Color", { color: waterColor }),
      } as never);
  }

  const districtLabels = file.features.map((f) =>
    labels.add({
      position: Cartesian3.fromDegrees(f.properties.cp[0], f.properties.cp[1], 200),
      text: f.properties.name,
      font: `bold 18px ${FONT_STACK}`,
      fillColor: Color.fromCssColorString("#bff3ff"),
      outlineColor: Color.fromCssColorString("#04101f"),
      outlineWidth: 4,
      style: LabelStyle.FILL_AND_OUTLINE,
      // a dark plate under the name: readable over thousands of bright points (long English names most of all)
      showBackground: true,
      backgroundColor: Color.fromCssColorString("#04101f").withAlpha(0.72),
      backgroundPadding: new Cartesian2(6, 3),
      horizontalOrigin: HorizontalOrigin.CENTER,
      verticalOrigin: VerticalOrigin.CENTER,
      scaleByDistance: new NearFarScalar(20000, 1.1, 400000, 0.7),
      // names stay readable above the point layers
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      distanceDisplayCondition: new DistanceDisplayCondition(0, 600000),
    }),
  );
  const names = file.features.map((f) => ({ zh: f.properties.name, en: f.properties.nameEn }));
  const pinColor = Color.fromCssColorString("#ffd27a");
  const landmarkLabels = landmarks.map((l) => {
    pins.add({
      position: Cartesian3.fromDegrees(l.lon, l.lat, 60),
      pixelSize: 7,
      color: pinColor,
      outlineColor: Color.BLACK,
      outlineWidth: 1,
    });
    return labels.add({
      position: Cartesian3.fromDegrees(l.lon, l.lat, 60),
      text: l.name,
      font: `13px ${FONT_STACK}`,
      fillColor: pinColor,
      outlineColor: Color.fromCssColorString("#04101f"),
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      pixelOffset: new Cartesian2(8, 0),
      horizontalOrigin: HorizontalOrigin.LEFT,
      verticalOrigin: VerticalOrigin.CENTER,
      // landmarks only when zoomed in enough that they do not clutter the whole-city view
      distanceDisplayCondition: new DistanceDisplayCondition(0, 90000),
    });
  });
  const landmarkNames = landmarks.map((l) => ({ zh: l.name, en: l.nameEn }));

  scene.primitives.add(fill);
  scene.primitives.add(outlines);
  if (riverLines) scene.primitives.add(riverLines);
  scene.primitives.add(pins);
  scene.primitives.add(labels);

  return {
    decorations: [fill, outlines, riverLines, pins, labels].filter((p) => p !== null),
    show(v) {
      fill.show = v;
      outlines.show = v;
      labels.show = v;
      scene.requestRender();
    },
    raiseLabels() {
      scene.primitives.raiseToTop(labels);
    },
    setLang(lang) {
      districtLabels.forEach((l, i) => (l.text = names[i][lang]));
      landmarkLabels.forEach((l, i) => (l.text = landmarkNames[i][lang]));
      scene.requestRender();
    },
    destroy() {
      for (const p of [fill, outlines, riverLines, pins, labels]) if (p) scene.primitives.remove(p);
    },
  };
}
