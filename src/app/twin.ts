/**
 * The twin: one Cesium widget with the city basemap, CIM buildings and the four live layers, plus the shared panels.
 * Modes (command / planner / kiosk) receive a Twin and add their own panels and behaviour. Built from data that was
 * loaded and validated once, so the whole scene can be rebuilt (e.g. after WebGL context loss) without refetching.
 */
import { Credit, type Cesium3DTileset, type CesiumWidget, type Scene } from "cesium";
import type { SceneConfig } from "../config/schema";
import type {
  Charger,
  DataCentre,
  DistrictsFile,
  Landmark,
  LandWaterFile,
  LayerId,
  LonLat,
  Road,
  Sensor,
  Site,
} from "../protocol/data";
import { createViewer } from "../scene/viewer";
import { drawDistricts, type DistrictsView } from "../scene/districts";
import { LandWaterView } from "../scene/landwater";
import { buildingsOrigin, loadBuildings } from "../scene/buildings";
import { fenceCamera, flyToPoint, setView } from "../scene/camera";
import { installInteraction } from "../scene/interaction";
import { ScenePicker } from "../scene/picking";
import { createSitesLayer } from "../layers/sites";
import { createDataCentresLayer } from "../layers/datacentres";
import { createChargersLayer } from "../layers/chargers";
import { SensorsLayer } from "../layers/sensors";
import type { Layer, PickRef } from "../layers/types";
import { addBanner, select, setBuildingsOrigin, uiStore } from "../state/ui-store";
import { uiLang } from "../ui/i18n";

export interface TwinData {
  districts: DistrictsFile | null;
  river: LonLat[][] | null;
  landwater: LandWaterFile | null;
  landmarks: Landmark[];
  roads: Road[];
  sites: Site[];
  datacentres: DataCentre[];
  chargers: Charger[];
  sensors: Sensor[];
}

export interface Twin {
  readonly widget: CesiumWidget;
  readonly scene: Scene;
  readonly config: SceneConfig;
  readonly data: TwinData;
  readonly layers: readonly Layer[];
  layer(id: LayerId): Layer | undefined;
  buildings: Cesium3DTileset | null;
  readonly districts: DistrictsView | null;
  readonly interaction: ReturnType<typeof installInteraction>;
  /** what clicks and hovers pick with (decorations and the globe left out) */
  readonly picker: ScenePicker;
  flyToObject(ref: PickRef, range?: number): Promise<boolean>;
  destroy(): void;
}

export interface TwinOptions {
  container: HTMLElement;
  config: SceneConfig;
  data: TwinData;
  msaaSamples: number;
}

export function createTwin(opts: TwinOptions): Twin {
  const { config, data } = opts;
  const stylesBefore = new Set(document.head.querySelectorAll("style"));
  const widget = createViewer({ container: opts.container, config, msaaSamples: opts.msaaSamples });
  // Cesium's CreditDisplay appends a <style> to document.head per widget and leaves it there on destroy: one DOM
  // node more per scene rebuild. The twin removes the one its widget added.
  const widgetStyles = [...document.head.querySelectorAll("style")].filter(
    (el) => !stylesBefore.has(el) && el.textContent?.includes(".cesium-credit"),
  );
  const scene = widget.scene;
  // a configured basemap (imagery) already shows land and water: the opaque land surface would hide it
  const imagery = config.basemap.type !== "embedded";
  const landwater = data.landwater && !imagery ? new LandWaterView(widget, data.landwater) : null;
  const districtsAt = scene.primitives.length;
  // with land and water drawn (or imagery under them), districts are a light tint and the river is not a line
  const districts = data.districts
    ? drawDistricts(
        scene,
        data.districts,
        data.landmarks,
        landwater || imagery ? null : data.river,
        landwater || imagery ? 0.22 : 0.78,
      )
    : null;
  landwater?.addWater(districtsAt + 1);
  if (data.districts) widget.creditDisplay.addStaticCredit(new Credit(data.districts.attribution));

  const layers: Layer[] = [
    createSitesLayer(scene, data.sites),
    createDataCentresLayer(scene, data.datacentres),
    createChargersLayer(scene, data.chargers),
    new SensorsLayer(scene, data.sensors, data.roads),
  ];
  districts?.raiseLabels();
  const picker = new ScenePicker(scene);
  picker.exclude(...(districts?.decorations ?? []), ...(landwater?.decorations ?? []));
  for (const l of layers) picker.exclude(...(l.decorations?.() ?? []));
  const vis = uiStore.getState().visible;
  for (const l of layers) if (!vis[l.id]) l.setVisible(false);

  const twin: Twin = {
    widget,
    scene,
    config,
    data,
    layers,
    layer: (id) => layers.find((l) => l.id === id),
    buildings: null,
    districts,
    picker,
    interaction: installInteraction(scene, layers, picker),
    flyToObject(ref, range = 2500) {
      const l = twin.layer(ref.layer);
      if (!l) return Promise.resolve(false);
      const p = l.position(ref.index);
      return flyToPoint(scene.camera, p.lon, p.lat, range);
    },
    destroy() {
      // every step runs even if an earlier one throws (after a WebGL context loss Cesium's destroy can throw), so no
      // store subscription, listener or DOM node of this twin outlives it; the first error is rethrown at the end
      const widgetEl = widget.isDestroyed() ? null : widget.canvas.parentElement;
      let first: unknown = null;
      const steps: (() => void)[] = [
        unfence,
        unLang,
        () => twin.interaction.destroy(),
        () => picker.destroy(),
        ...layers.map((l) => () => l.destroy()),
        () => districts?.destroy(),
        () => landwater?.destroy(),
        () => !widget.isDestroyed() && widget.destroy(),
        () => widgetStyles.forEach((el) => el.remove()),
      ];
      for (const step of steps) {
        try {
          step();
        } catch (e) {
          first ??= e;
        }
      }
      if (widgetEl?.isConnected) widgetEl.remove();
      if (first) throw first;
    },
  };

  if (config.buildingsTileset) {
    loadBuildings(scene, config.buildingsTileset)
      .then((ts) => {
        if (widget.isDestroyed()) return;
        twin.buildings = ts;
        setBuildingsOrigin(buildingsOrigin(ts, config.buildingsTileset ?? ""));
        ts.show = uiStore.getState().buildingsVisible;
        // the buildings' pick shaders: compiled when the first tiles are in, not on the first click
        ts.initialTilesLoaded.addEventListener(() => picker.warmSoon(500));
        scene.requestRender();
      })
      .catch((e: unknown) =>
        addBanner({
          id: "buildings",
          level: "warning",
          text: `3D Tiles ${config.buildingsTileset}: ${(e as Error).message}`,
        }),
      );
  }
  for (const url of config.extraTilesets) {
    loadBuildings(scene, url).catch((e: unknown) =>
      addBanner({ id: `tiles-${url}`, level: "warning", text: `3D Tiles ${url}: ${(e as Error).message}` }),
    );
  }

  const unfence = fenceCamera(scene, config.camera);
  setView(scene.camera, config.camera.presets[0]);
  const applyLang = () => {
    const lang = uiLang.getState().lang;
    districts?.setLang(lang);
    for (const l of layers) l.setLang(lang);
  };
  applyLang();
  const unLang = uiLang.subscribe(applyLang);
  select(null);
  scene.requestRender();
  // the pick pass's shaders: compiled once the first frame is drawn and the page is idle, not on the first click
  const offFirstFrame = scene.postRender.addEventListener(() => {
    offFirstFrame();
    picker.warmSoon(500);
  });
  return twin;
}
