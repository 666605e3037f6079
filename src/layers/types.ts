/**
 * The one small interface every live layer implements. The scene, panels and modes talk to layers only through it.
 */
import type { Cartesian2, Cartesian3, Color } from "cesium";
import type { LayerId } from "../protocol/data";
import type { Lang, StringKey } from "../ui/i18n";

export interface LegendItem {
  key: StringKey;
  color: string;
  /** "dot" for points, "line" for roads, "ring" for highlighted kinds */
  shape: "dot" | "line" | "ring";
}

export type FieldValue = string | number | boolean | null | readonly number[];

/** What a pick resolves to. */
export interface PickRef {
  layer: LayerId;
  index: number;
}

/**
 * A pick answered on the CPU (see point-hit.ts): the cursor, the ground under it and how far on the ground the
 * largest drawn object can reach from it, and a projection to the same window coordinates.
 */
export interface ScreenHitQuery {
  /** the cursor, CSS pixels from the canvas's top left */
  x: number;
  y: number;
  /** the ground under the cursor, degrees */
  lon: number;
  lat: number;
  /** metres on the ground that `radiusPx` pixels around the cursor cover (the widest direction) */
  footprintM: number;
  /** the pixel radius `footprintM` was measured for: at least every tester's `maxHitRadiusPx` */
  radiusPx: number;
  /** how far an object `h` metres above the ground can appear from the ground under it: h × this, in metres */
  heightShift: number;
  /** the camera's position (distance scaling and display conditions) */
  eye: Cartesian3;
  pixelRatio: number;
  /** world position -> window position (CSS pixels), or undefined when it is not in front of the camera */
  project(p: Cartesian3, out: Cartesian2): Cartesian2 | undefined;
}

/** an object under the cursor: what `scene.pick` would have returned for it, and its squared distance in pixels */
export interface ScreenHit {
  picked: { primitive: unknown; id: unknown };
  d2: number;
}

/** Read-only view of live state that layers and panels use (implemented over the live store). */
export interface LiveView {
  status(layer: LayerId, index: number): number;
  lastSeen(layer: LayerId, index: number): number;
  metric(layer: LayerId, name: string, index: number): number | undefined;
  metricNames(layer: LayerId): readonly string[];
}

export interface Layer {
  readonly id: LayerId;
  readonly titleKey: StringKey;
  readonly count: number;
  readonly visible: boolean;
  setVisible(v: boolean): void;
  legend(): LegendItem[];
  /** objects' ids and names, for search */
  idOf(index: number): string;
  nameOf(index: number): string;
  position(index: number): { lon: number; lat: number; height: number };
  fields(index: number): Array<[StringKey, FieldValue]>;
  /** resolve a Cesium pick result to an object of this layer */
  pick(picked: unknown): PickRef | null;
  /** recolour just these objects from the live state; returns how many changed colour. Requests a frame when any
   *  did, unless `render` is false (the caller then requests one after a batch of calls) */
  applyLive(indices: ArrayLike<number>, live: LiveView, render?: boolean): number;
  /** make one object stand out (null clears) */
  highlight(index: number | null, kind: "hover" | "select"): void;
  setLang(lang: Lang): void;
  colorOf(index: number): Color;
  /** the object whose drawn dot is under the cursor, found without a pick pass (layers of dots only) */
  hitTest?(q: ScreenHitQuery): ScreenHit | null;
  /** the largest radius, in CSS pixels, at which `hitTest` can find an object */
  maxHitRadiusPx?(): number;
  /** primitives this layer draws for looks only (e.g. roads under the sensors), left out of picks */
  decorations?(): readonly { show: boolean }[];
  destroy(): void;
}
