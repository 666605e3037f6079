/**
 * A bulk point layer on a few PointPrimitiveCollections (spatial cells, `point-cells.ts`: one draw call per cell of
 * up to ~2k objects, and a pick or a zoomed-in frame draws only the cells it sees), with an
 * optional LabelCollection for the few objects worth naming. Live status changes a point's colour in place; the
 * collection is never rebuilt. Each layer module (sites, datacentres, chargers, sensors) is a spec over this.
 */
import {
  Cartesian2,
  Cartesian3,
  Color,
  DistanceDisplayCondition,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  NearFarScalar,
  VerticalOrigin,
  type Label,
  type PointPrimitive,
  type Scene,
} from "cesium";
import type { LayerId } from "../protocol/data";
import type { Lang, StringKey } from "../ui/i18n";
import { FONT_STACK, STATUS_CSS } from "../ui/theme";
import { UrlFlags } from "../ui/url-flags";
import { PointCells } from "./point-cells";
import { hitRadiusPx, nearFarValue, PointHitIndex, shownAt } from "./point-hit";
import type { FieldValue, Layer, LegendItem, LiveView, PickRef, ScreenHit, ScreenHitQuery } from "./types";

export interface PointLayerSpec<T extends { id: string; lon: number; lat: number }> {
  id: LayerId;
  titleKey: StringKey;
  items: readonly T[];
  nameOf(item: T, lang: Lang): string;
  height(item: T): number;
  /** colour before any live data arrives and for status "ok" when the layer has no finer rule */
  baseColor(item: T): Color;
  pixelSize(item: T): number;
  /** finer colour for status ok from live metrics (e.g. site load); default baseColor */
  okColor?(item: T, index: number, live: LiveView): Color;
  fields(item: T): Array<[StringKey, FieldValue]>;
  legend: LegendItem[];
  /** objects that get a text label (few!) */
  labelled?(item: T): boolean;
  /** farthest camera distance at which an object's label shows (default 60 km) */
  labelRange?(item: T): number;
  scaleByDistance?: NearFarScalar;
}

const STATUS_COLORS = STATUS_CSS.map((c) => Color.fromCssColorString(c));
/** warning, fault, offline, unknown: colours that must stay visible from afar */
const ALERT_COLORS = new Set(STATUS_COLORS.slice(1));

/**
 * Level of detail for very large layers (>= LOD_MIN_POINTS, e.g. the 100k/300k bench scales; the city's 30k sites are
 * below it): seen from farther than LOD_NEAR_M, only every k-th object in the normal colour is drawn, k chosen so
 * about LOD_FAR_POINTS remain — at city scale they are a haze of overlapping pixels either way, and a software GPU
 * spends its frame on them. Objects in a warning/fault/offline/unknown colour, and the selected or hovered one,
 * are always drawn. Done per point with Cesium's distanceDisplayCondition (culled in the vertex shader).
 */
export const LOD_MIN_POINTS = 50_000;
const LOD_FAR_POINTS = 25_000;
const LOD_NEAR_M = 30_000;
const HOVER = Color.fromCssColorString("#ffffff");
const SELECT = Color.fromCssColorString("#ffe066");
/** the selected dot is drawn this much larger, with a 2-pixel outline (restyle) */
const SELECT_SCALE = 2.2;
const scratchWin = new Cartesian2();

export class PointLayer<T extends { id: string; lon: number; lat: number }> implements Layer {
  readonly id: LayerId;
  readonly titleKey: StringKey;
  private readonly points: PointCells;
  private readonly labels: LabelCollection;
  private readonly prims: PointPrimitive[] = [];
  private readonly labelOf = new Map<number, Label>();
  private readonly colors: Color[];
  /** draw every `thin`-th normal-coloured object from afar (1 = all; see LOD_MIN_POINTS) */
  private readonly thin: number;
  private readonly nearOnly = new DistanceDisplayCondition(0, LOD_NEAR_M);
  private readonly always = new DistanceDisplayCondition(0, Number.MAX_VALUE);
  private hovered: number | null = null;
  private selected: number | null = null;
  private _visible = true;
  /** the objects by ground position, for the CPU hit test (a few ms for 30k, built with the layer) */
  private readonly hitIndex: PointHitIndex;
  private readonly maxHeight: number;
  private readonly maxRadius: number;

  constructor(
    private readonly scene: Scene,
    private readonly spec: PointLayerSpec<T>,
  ) {
    this.id = spec.id;
    this.titleKey = spec.titleKey;
    this.labels = new LabelCollection({ scene });
    // ?pointCells=0: one collection per layer, as before the cells (bench A/B)
    this.points = new PointCells(spec.items, UrlFlags.ofPage().enabled("pointCells") ? undefined : Infinity);
    this.colors = spec.items.map((it) => spec.baseColor(it));
    const sbd = spec.scaleByDistance ?? new NearFarScalar(2000, 1.6, 250000, 0.6);
    this.thin = spec.items.length >= LOD_MIN_POINTS ? Math.ceil(spec.items.length / LOD_FAR_POINTS) : 1;
    let maxSize = 0,
      maxHeight = 0;
    for (const it of spec.items) {
      maxSize = Math.max(maxSize, spec.pixelSize(it));
      maxHeight = Math.max(maxHeight, spec.height(it));
    }
    this.maxHeight = maxHeight;
    this.hitIndex = new PointHitIndex(spec.items);
    // the selected dot at its largest scale, on the smallest pixel ratio
    this.maxRadius = hitRadiusPx(maxSize * SELECT_SCALE, 2, Math.max(sbd.nearValue, sbd.farValue, 1), 1);
    spec.items.forEach((it, i) => {
      const position = Cartesian3.fromDegrees(it.lon, it.lat, spec.height(it));
      this.prims.push(
        this.points.add(i, {
          position,
          pixelSize: spec.pixelSize(it),
          color: this.colors[i],
          outlineColor: Color.fromCssColorString("#04101f"),
          outlineWidth: 1,
          scaleByDistance: sbd,
          // dots are markers, not solids: never half-buried in the ground plane
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          distanceDisplayCondition: this.farCondition(i),
          id: { layer: spec.id, index: i } satisfies PickRef,
        }),
      );
      if (spec.labelled?.(it)) {
        this.labelOf.set(
          i,
          this.labels.add({
            position,
            text: spec.nameOf(it, "zh"),
            font: `14px ${FONT_STACK}`,
            fillColor: Color.fromCssColorString("#e6f7ff"),
            outlineColor: Color.fromCssColorString("#04101f"),
            outlineWidth: 3,
            style: LabelStyle.FILL_AND_OUTLINE,
            pixelOffset: new Cartesian2(10, -4),
            horizontalOrigin: HorizontalOrigin.LEFT,
            verticalOrigin: VerticalOrigin.BOTTOM,
            distanceDisplayCondition: new DistanceDisplayCondition(0, spec.labelRange?.(it) ?? 60000),
            id: { layer: spec.id, index: i } satisfies PickRef,
          }),
        );
      }
    });
    scene.primitives.add(this.points.root);
    scene.primitives.add(this.labels);
  }

  get count(): number {
    return this.spec.items.length;
  }
  get visible(): boolean {
    return this._visible;
  }
  item(index: number): T {
    return this.spec.items[index];
  }

  setVisible(v: boolean): void {
    this._visible = v;
    this.points.show = v;
    this.labels.show = v;
    this.scene.requestRender();
  }
  legend(): LegendItem[] {
    return this.spec.legend;
  }
  idOf(i: number): string {
    return this.spec.items[i].id;
  }
  nameOf(i: number, lang: Lang = "zh"): string {
    return this.spec.nameOf(this.spec.items[i], lang);
  }
  position(i: number) {
    const it = this.spec.items[i];
    return { lon: it.lon, lat: it.lat, height: this.spec.height(it) };
  }
  fields(i: number): Array<[StringKey, FieldValue]> {
    return this.spec.fields(this.spec.items[i]);
  }
  pick(picked: unknown): PickRef | null {
    const id = (picked as { id?: unknown } | undefined)?.id as PickRef | undefined;
    if (id && typeof id === "object" && id.layer === this.id && typeof id.index === "number") return id;
    return null;
  }
  colorOf(i: number): Color {
    return this.colors[i];
  }

  maxHitRadiusPx(): number {
    return this.maxRadius;
  }

  /** the nearest dot drawn under the cursor (see point-hit.ts), or null; a hidden layer hits nothing */
  hitTest(q: ScreenHitQuery): ScreenHit | null {
    if (!this._visible) return null;
    const reach = (q.footprintM * this.maxRadius) / q.radiusPx + this.maxHeight * q.heightShift;
    let best: ScreenHit | null = null;
    for (const i of this.hitIndex.near(q.lon, q.lat, reach)) {
      const p = this.prims[i];
      if (!p.show) continue;
      const distSq = Cartesian3.distanceSquared(p.position, q.eye);
      if (!shownAt(p.distanceDisplayCondition, distSq)) continue;
      const w = q.project(p.position, scratchWin);
      if (!w) continue;
      const d2 = (w.x - q.x) ** 2 + (w.y - q.y) ** 2;
      const r = hitRadiusPx(p.pixelSize, p.outlineWidth, nearFarValue(p.scaleByDistance, distSq), q.pixelRatio);
      if (d2 <= r * r && (!best || d2 < best.d2)) best = { picked: { primitive: p, id: p.id as unknown }, d2 };
    }
    return best;
  }

  applyLive(indices: ArrayLike<number>, live: LiveView, render = true): number {
    let changed = 0;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      const p = this.prims[i];
      if (!p) continue;
      const st = live.status(this.id, i);
      const c =
        st === 0
          ? this.spec.okColor
            ? this.spec.okColor(this.spec.items[i], i, live)
            : this.spec.baseColor(this.spec.items[i])
          : (STATUS_COLORS[st] ?? STATUS_COLORS[4]);
      // colours come from a small fixed palette (shared Color instances): most updates keep an object's colour, and
      // then the primitive is not touched (Cesium's colour setter costs ~0.4 µs per point, memory-bound, at 100k)
      if (this.colors[i] === c) continue;
      this.colors[i] = c;
      changed++;
      if (i !== this.hovered && i !== this.selected) {
        p.color = c;
        if (this.thin > 1) p.distanceDisplayCondition = this.farCondition(i)!;
      }
    }
    if (render && changed) this.scene.requestRender();
    return changed;
  }

  highlight(index: number | null, kind: "hover" | "select"): void {
    const prev = kind === "hover" ? this.hovered : this.selected;
    if (prev === index) return;
    if (kind === "hover") this.hovered = index;
    else this.selected = index;
    if (prev !== null) this.restyle(prev);
    if (index !== null) this.restyle(index);
    this.scene.requestRender();
  }

  /** the display condition of object i: nearOnly for a thinned object in a normal colour, else always drawn
   *  (undefined when the layer is not thinned at all) */
  private farCondition(i: number): DistanceDisplayCondition | undefined {
    if (this.thin <= 1) return undefined;
    if (i % this.thin === 0 || i === this.selected || i === this.hovered) return this.always;
    return ALERT_COLORS.has(this.colors[i]) ? this.always : this.nearOnly;
  }

  private restyle(i: number): void {
    const p = this.prims[i];
    if (!p) return;
    if (this.thin > 1) p.distanceDisplayCondition = this.farCondition(i)!;
    const base = this.spec.pixelSize(this.spec.items[i]);
    if (i === this.selected) {
      p.color = SELECT;
      p.pixelSize = base * SELECT_SCALE;
      p.outlineColor = Color.WHITE;
      p.outlineWidth = 2;
    } else if (i === this.hovered) {
      p.color = HOVER;
      p.pixelSize = base * 1.8;
      p.outlineColor = Color.WHITE;
      p.outlineWidth = 1;
    } else {
      p.color = this.colors[i];
      p.pixelSize = base;
      p.outlineColor = Color.fromCssColorString("#04101f");
      p.outlineWidth = 1;
    }
  }

  setLang(lang: Lang): void {
    for (const [i, l] of this.labelOf) l.text = this.spec.nameOf(this.spec.items[i], lang);
    this.scene.requestRender();
  }

  /** number of Cesium primitives this layer holds (for leak checks) */
  primitiveCount(): number {
    return this.points.length + this.labels.length;
  }

  destroy(): void {
    this.scene.primitives.remove(this.points.root);
    this.scene.primitives.remove(this.labels);
  }
}
