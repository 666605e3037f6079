/**
 * What the planner draws on the globe: the coverage heat map (one textured rectangle whose image is replaced in
 * place on every update), candidate markers with labels (own collections, pickable, draggable) and the outline
 * of a polygon being drawn.
 */
import {
  Cartesian2,
  Cartesian3,
  Color,
  EllipsoidSurfaceAppearance,
  GeometryInstance,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  Material,
  Math as CesiumMath,
  NearFarScalar,
  PointPrimitiveCollection,
  PolylineCollection,
  Primitive,
  Rectangle,
  RectangleGeometry,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  SceneTransforms,
  VerticalOrigin,
  type Label,
  type PointPrimitive,
  type Polyline,
  type Scene,
} from "cesium";
import type { Candidate } from "../../protocol/scenario";

// ---------------------------------------------------------------- heat map

export interface HeatImage {
  rgba: Uint8ClampedArray;
  nx: number;
  ny: number;
  west: number;
  south: number;
  east: number;
  north: number;
}

export class HeatMapLayer {
  private prim: Primitive | null = null;
  private material: Material | null = null;
  private rectKey = "";
  private shown = true;
  /** updates drawn so far (tests) */
  updates = 0;

  constructor(private scene: Scene) {}

  update(img: HeatImage): void {
    const canvas = document.createElement("canvas");
    canvas.width = img.nx;
    canvas.height = img.ny;
    const ctx = canvas.getContext("2d")!;
    ctx.putImageData(new ImageData(new Uint8ClampedArray(img.rgba), img.nx, img.ny), 0, 0);
    const key = [img.west, img.south, img.east, img.north].map((v) => v.toFixed(7)).join(",");
    if (!this.prim || key !== this.rectKey) {
      this.removePrimitive();
      this.rectKey = key;
      this.material = Material.fromType("Image", { image: canvas, repeat: new Cartesian2(1, 1) });
      this.material.translucent = true;
      this.prim = new Primitive({
        geometryInstances: new GeometryInstance({
          geometry: new RectangleGeometry({
            rectangle: Rectangle.fromDegrees(img.west, img.south, img.east, img.north),
            height: 4,
            vertexFormat: EllipsoidSurfaceAppearance.VERTEX_FORMAT,
          }),
        }),
        appearance: new EllipsoidSurfaceAppearance({ material: this.material, aboveGround: true, translucent: true }),
        asynchronous: false,
        show: this.shown,
      });
      this.scene.primitives.add(this.prim);
    } else {
      // same rectangle: swap the texture only (a new canvas object makes Cesium upload it)
      this.material!.uniforms.image = canvas;
    }
    this.updates++;
    this.scene.requestRender();
  }

  setVisible(v: boolean): void {
    this.shown = v;
    if (this.prim) this.prim.show = v;
    this.scene.requestRender();
  }

  private removePrimitive(): void {
    if (this.prim) this.scene.primitives.remove(this.prim); // remove() destroys it
    this.prim = null;
    this.material = null;
  }

  destroy(): void {
    this.removePrimitive();
  }
}

// ---------------------------------------------------------------- candidates

const CAND = Color.fromCssColorString("#ff4fd8");
const CAND_AUTO = Color.fromCssColorString("#ffa53b");
const CAND_SEL = Color.fromCssColorString("#ffffff");
const PROPOSAL = Color.fromCssColorString("#ffa53b").withAlpha(0.55);
export const CANDIDATE_PICK_PREFIX = "planner-candidate:";

export class CandidateMarkers {
  private points: PointPrimitiveCollection;
  private labels: LabelCollection;
  private byId = new Map<string, { point: PointPrimitive; label: Label }>();
  private proposals: PointPrimitiveCollection;
  private selected: string | null = null;

  constructor(private scene: Scene) {
    this.points = scene.primitives.add(new PointPrimitiveCollection());
    this.labels = scene.primitives.add(new LabelCollection());
    this.proposals = scene.primitives.add(new PointPrimitiveCollection());
  }

  /** Draw exactly these candidates (adds, moves and removes markers in place). */
  set(cands: readonly Candidate[]): void {
    const keep = new Set(cands.map((c) => c.id));
    for (const [id, m] of this.byId)
      if (!keep.has(id)) {
        this.points.remove(m.point);
        this.labels.remove(m.label);
        this.byId.delete(id);
      }
    for (const c of cands) {
      const pos = Cartesian3.fromDegrees(c.lon, c.lat, c.heightM);
      let m = this.byId.get(c.id);
      if (!m) {
        const point = this.points.add({
          position: pos,
          pixelSize: 13,
          outlineColor: Color.BLACK,
          outlineWidth: 2,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          id: CANDIDATE_PICK_PREFIX + c.id,
        });
        const label = this.labels.add({
          position: pos,
          text: "",
          font: "13px sans-serif",
          fillColor: Color.WHITE,
          outlineColor: Color.BLACK,
          outlineWidth: 3,
          style: LabelStyle.FILL_AND_OUTLINE,
          pixelOffset: new Cartesian2(10, -4),
          horizontalOrigin: HorizontalOrigin.LEFT,
          verticalOrigin: VerticalOrigin.BOTTOM,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          translucencyByDistance: new NearFarScalar(20000, 1, 60000, 0),
        });
        m = { point, label };
        this.byId.set(c.id, m);
      }
      m.point.position = pos;
      m.label.position = pos;
      m.label.text = c.name ?? c.id;
      this.style(c.id, c.source === "auto");
    }
    this.scene.requestRender();
  }

  private style(id: string, auto: boolean): void {
    const m = this.byId.get(id);
    if (!m) return;
    const sel = id === this.selected;
    m.point.color = sel ? CAND_SEL : auto ? CAND_AUTO : CAND;
    m.point.outlineColor = sel ? CAND : Color.BLACK;
    m.point.pixelSize = sel ? 17 : 13;
  }

  select(id: string | null, isAuto: (id: string) => boolean): void {
    const prev = this.selected;
    this.selected = id;
    if (prev) this.style(prev, isAuto(prev));
    if (id) this.style(id, isAuto(id));
    this.scene.requestRender();
  }

  /** Move one marker at once (during a drag, before the worker answers). */
  move(id: string, lon: number, lat: number, heightM: number): void {
    const m = this.byId.get(id);
    if (!m) return;
    const pos = Cartesian3.fromDegrees(lon, lat, heightM);
    m.point.position = pos;
    m.label.position = pos;
    this.scene.requestRender();
  }

  /** The candidate whose marker is within `radiusPx` of a screen position (no pick pass: cheap on every press). */
  hit(pos: Cartesian2, radiusPx = 12): string | null {
    let best: string | null = null,
      bestD = radiusPx * radiusPx;
    for (const [id, m] of this.byId) {
      const w = SceneTransforms.worldToWindowCoordinates(this.scene, m.point.position);
      if (!w) continue;
      const d = (w.x - pos.x) ** 2 + (w.y - pos.y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = id;
      }
    }
    return best;
  }

  /** Ghost markers for unaccepted siting proposals. */
  showProposals(list: readonly { lon: number; lat: number; heightM: number }[]): void {
    this.proposals.removeAll();
    for (const p of list)
      this.proposals.add({
        position: Cartesian3.fromDegrees(p.lon, p.lat, p.heightM),
        pixelSize: 11,
        color: PROPOSAL,
        outlineColor: Color.WHITE,
        outlineWidth: 1,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    this.scene.requestRender();
  }

  destroy(): void {
    for (const c of [this.points, this.labels, this.proposals]) this.scene.primitives.remove(c);
    this.byId.clear();
  }
}

/** The candidate id of a pick result, or null. */
export function candidateIdOfPick(picked: unknown): string | null {
  const id = (picked as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && id.startsWith(CANDIDATE_PICK_PREFIX) ? id.slice(CANDIDATE_PICK_PREFIX.length) : null;
}

/** lon/lat on the ellipsoid under a screen position, or null (sky). */
export function groundAt(scene: Scene, pos: Cartesian2): [number, number] | null {
  const c = scene.camera.pickEllipsoid(pos, scene.globe.ellipsoid);
  if (!c) return null;
  const g = scene.globe.ellipsoid.cartesianToCartographic(c);
  return [CesiumMath.toDegrees(g.longitude), CesiumMath.toDegrees(g.latitude)];
}

export function screenOf(scene: Scene, lon: number, lat: number, height = 0): { x: number; y: number } | null {
  const w = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, height));
  return w ? { x: w.x, y: w.y } : null;
}

// ---------------------------------------------------------------- drawing outline

export class DrawOutline {
  private lines: PolylineCollection;
  private line: Polyline | null = null;
  private dots: PointPrimitiveCollection;

  constructor(private scene: Scene) {
    this.lines = scene.primitives.add(new PolylineCollection());
    this.dots = scene.primitives.add(new PointPrimitiveCollection());
  }

  /** Show the drawn vertices (closed when `closed`), or nothing for an empty list. */
  set(points: readonly (readonly [number, number])[], closed: boolean): void {
    this.lines.removeAll();
    this.dots.removeAll();
    this.line = null;
    const ring = closed && points.length > 2 ? [...points, points[0]] : points;
    if (ring.length >= 2)
      this.line = this.lines.add({
        positions: ring.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 6)),
        width: 2,
        material: Material.fromType("Color", { color: Color.fromCssColorString("#2ad4ff") }),
      });
    for (const [lon, lat] of points)
      this.dots.add({
        position: Cartesian3.fromDegrees(lon, lat, 6),
        pixelSize: 7,
        color: Color.fromCssColorString("#2ad4ff"),
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    this.scene.requestRender();
  }

  destroy(): void {
    this.scene.primitives.remove(this.lines);
    this.scene.primitives.remove(this.dots);
  }
}

// ---------------------------------------------------------------- pointer input (drag + polygon close)

export interface PointerCallbacks {
  /** the candidate under a screen position, if any */
  hit(pos: Cartesian2): string | null;
  /** LEFT_DOWN on a candidate: return true to start dragging it */
  dragStart(id: string): boolean;
  dragMove(id: string, lon: number, lat: number): void;
  dragEnd(id: string, lon: number, lat: number): void;
  doubleClick(pos: Cartesian2): void;
}

/** Drag candidates (camera input off while dragging) and report double-clicks. Returns a remover. */
export function installPointer(
  scene: Scene,
  cb: PointerCallbacks,
): { destroy(): void; dragging(): string | null; consumeClick(): boolean } {
  const handler = new ScreenSpaceEventHandler(scene.canvas);
  const ctl = scene.screenSpaceCameraController;
  let dragId: string | null = null;
  let last: [number, number] | null = null;
  let suppressUntil = 0;
  handler.setInputAction((m: { position: Cartesian2 }) => {
    const id = cb.hit(m.position);
    if (!id || !cb.dragStart(id)) return;
    dragId = id;
    last = null;
    ctl.enableInputs = false;
  }, ScreenSpaceEventType.LEFT_DOWN);
  handler.setInputAction((m: { endPosition: Cartesian2 }) => {
    if (!dragId) return;
    const g = groundAt(scene, m.endPosition);
    if (!g) return;
    last = g;
    cb.dragMove(dragId, g[0], g[1]);
  }, ScreenSpaceEventType.MOUSE_MOVE);
  handler.setInputAction(() => {
    if (!dragId) return;
    const id = dragId;
    dragId = null;
    ctl.enableInputs = true;
    if (last) {
      suppressUntil = performance.now() + 500; // a click right after a drag must not place a new candidate
      cb.dragEnd(id, last[0], last[1]);
    }
  }, ScreenSpaceEventType.LEFT_UP);
  handler.setInputAction(
    (m: { position: Cartesian2 }) => cb.doubleClick(m.position),
    ScreenSpaceEventType.LEFT_DOUBLE_CLICK,
  );
  return {
    destroy() {
      ctl.enableInputs = true;
      handler.destroy();
    },
    dragging: () => dragId,
    consumeClick() {
      const s = performance.now() < suppressUntil;
      suppressUntil = 0;
      return s;
    },
  };
}
