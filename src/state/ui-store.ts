/**
 * UI state shared by panels and modes (zustand vanilla): what is selected, which layers are shown, which error
 * banners are up. Views subscribe to narrow slices with `subscribeSlice`.
 */
import { createStore } from "zustand/vanilla";
import type { LayerId } from "../protocol/data";
import type { BuildingProps, BuildingsOrigin } from "../scene/buildings";

export type Selection =
  { kind: "object"; layer: LayerId; index: number } | { kind: "building"; props: BuildingProps } | null;

export interface Banner {
  id: string;
  level: "error" | "warning" | "info";
  text: string;
}

/** Where a layer's data came from: generated sample, or an imported file (its name). */
export interface DataOrigin {
  sample: boolean;
  source: string | null;
}

export interface UiState {
  selection: Selection;
  /** per layer, once the data files are loaded (empty before) */
  origins: Partial<Record<LayerId, DataOrigin>>;
  /** once the building tileset is loaded (null before, or without one) */
  buildings: BuildingsOrigin | null;
  visible: Record<LayerId, boolean>;
  buildingsVisible: boolean;
  banners: Banner[];
}

export const uiStore = createStore<UiState>(() => ({
  selection: null,
  origins: {},
  buildings: null,
  visible: { sites: true, datacentres: true, chargers: true, sensors: true },
  buildingsVisible: true,
  banners: [],
}));

export function select(sel: Selection): void {
  uiStore.setState({ selection: sel });
}

export function setLayerVisible(layer: LayerId, v: boolean): void {
  uiStore.setState((s) => ({ visible: { ...s.visible, [layer]: v } }));
}

export function setOrigins(origins: Partial<Record<LayerId, DataOrigin>>): void {
  uiStore.setState({ origins });
}

export function setBuildingsOrigin(buildings: BuildingsOrigin | null): void {
  uiStore.setState({ buildings });
}

/** The shown layers whose data is sample data, the buildings included (the header badge is up while there are any). */
export function shownSampleLayers(
  s: Pick<UiState, "origins" | "visible" | "buildings" | "buildingsVisible">,
): (LayerId | "buildings")[] {
  const ids: (LayerId | "buildings")[] = (Object.keys(s.origins) as LayerId[]).filter(
    (id) => s.visible[id] && s.origins[id]?.sample,
  );
  if (s.buildingsVisible && s.buildings?.sample) ids.push("buildings");
  return ids;
}

export function addBanner(b: Banner): void {
  uiStore.setState((s) => ({ banners: [...s.banners.filter((x) => x.id !== b.id), b] }));
}

export function dismissBanner(id: string): void {
  uiStore.setState((s) => ({ banners: s.banners.filter((x) => x.id !== id) }));
}

/** Subscribe to one derived slice; the listener fires only when the slice changes (Object.is). */
export function subscribeSlice<S, T>(
  store: { getState(): S; subscribe(l: (s: S, p: S) => void): () => void },
  selector: (s: S) => T,
  listener: (value: T, prev: T) => void,
): () => void {
  let prev = selector(store.getState());
  return store.subscribe((s) => {
    const next = selector(s);
    if (!Object.is(next, prev)) {
      const p = prev;
      prev = next;
      listener(next, p);
    }
  });
}
