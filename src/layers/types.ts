/**
 * The one small interface every live layer implements. The scene, panels and modes talk to layers only through it.
 */
import type { Color } from "cesium";
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
  /** primitives this layer draws for looks only (e.g. roads under the sensors), left out of picks */
  decorations?(): readonly { show: boolean }[];
  destroy(): void;
}
