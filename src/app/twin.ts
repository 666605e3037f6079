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
import { forgetContextBuffers } from "../scene/terrain-cache";
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
  return new SceneTwin(opts);
}

/**
 * The Cesium widget, plus the <style> Cesium's CreditDisplay appends to document.head per widget and leaves there on
 * destroy (one DOM node more per scene rebuild): the twin removes the one its widget added.
 */
function createWidget(opts: TwinOptions): { widget: CesiumWidget; styles: Element[] } {
  const stylesBefore = new Set(document.head.querySelectorAll("style"));
  const widget = createViewer({ container: opts.container, config: opts.config, msaaSamples: opts.msaaSamples });
  const styles = [...document.head.querySelectorAll("style")].filter(
    (el) => !stylesBefore.has(el) && el.textContent?.includes(".cesium-credit"),
  );
  return { widget, styles };
}

/** the city under the live layers: land and water, the districts (and the river when nothing else draws water) */
function drawBasemap(
  widget: CesiumWidget,
  config: SceneConfig,
  data: TwinData,
): { landwater: LandWaterView | null; districts: DistrictsView | null } {
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
  return { landwater, districts };
}

function createLayers(scene: Scene, data: TwinData): Layer[] {
  const layers: Layer[] = [
    createSitesLayer(scene, data.sites),
    createDataCentresLayer(scene, data.datacentres),
    createChargersLayer(scene, data.chargers),
    new SensorsLayer(scene, data.sensors, data.roads),
  ];
  const vis = uiStore.getState().visible;
  for (const l of layers) if (!vis[l.id]) l.setVisible(false);
  return layers;
}

/** runs every step even if an earlier one throws; rethrows the first error at the end */
function runAll(steps: readonly (() => void)[]): void {
  let first: unknown = null;
  for (const step of steps) {
    try {
      step();
    } catch (e) {
      first ??= e;
    }
  }
  if (first) throw first;
}

/**
 * The twin of one widget. Lifecycle: the constructor creates the widget, draws the basemap and the layers, installs
 * picking and interaction, starts loading the tilesets and follows the ui language; `destroy` undoes all of it.
 */
class SceneTwin implements Twin {
  readonly widget: CesiumWidget;
  readonly scene: Scene;
  readonly config: SceneConfig;
  readonly data: TwinData;
  readonly layers: readonly Layer[];
  buildings: Cesium3DTileset | null = null;
  readonly districts: DistrictsView | null;
  readonly interaction: ReturnType<typeof installInteraction>;
  readonly picker: ScenePicker;
  private readonly landwater: LandWaterView | null;
  private readonly widgetStyles: readonly Element[];
  private readonly unfence: () => void;
  private readonly unLang: () => void;

  constructor(opts: TwinOptions) {
    this.config = opts.config;
    this.data = opts.data;
    const { widget, styles } = createWidget(opts);
    this.widget = widget;
    this.widgetStyles = styles;
    this.scene = widget.scene;
    ({ landwater: this.landwater, districts: this.districts } = drawBasemap(widget, this.config, this.data));
    const layers = createLayers(this.scene, this.data);
    this.layers = layers;
    this.districts?.raiseLabels();
    this.picker = new ScenePicker(this.scene);
    this.picker.exclude(...(this.districts?.decorations ?? []), ...(this.landwater?.decorations ?? []));
    for (const l of layers) this.picker.exclude(...(l.decorations?.() ?? []));
    this.picker.addHitTesters(...layers);
    this.interaction = installInteraction(this.scene, layers, this.picker);
    this.loadTilesets();
    this.unfence = fenceCamera(this.scene, this.config.camera);
    setView(this.scene.camera, this.config.camera.presets[0]);
    this.applyLang();
    this.unLang = uiLang.subscribe(() => this.applyLang());
    select(null);
    this.scene.requestRender();
    this.warmPickingAfterFirstFrame();
  }

  readonly layer = (id: LayerId): Layer | undefined => this.layers.find((l) => l.id === id);

  readonly flyToObject = (ref: PickRef, range = 2500): Promise<boolean> => {
    const l = this.layer(ref.layer);
    if (!l) return Promise.resolve(false);
    const p = l.position(ref.index);
    return flyToPoint(this.scene.camera, p.lon, p.lat, range);
  };

  /**
   * every step runs even if an earlier one throws (after a WebGL context loss Cesium's destroy can throw), so no
   * store subscription, listener or DOM node of this twin outlives it; the first error is rethrown at the end
   */
  destroy(): void {
    const { widget } = this;
    const widgetEl = widget.isDestroyed() ? null : widget.canvas.parentElement;
    const contextId = widget.isDestroyed() ? null : (widget.scene as unknown as { context: { id: string } }).context.id;
    try {
      runAll([
        this.unfence,
        this.unLang,
        () => this.interaction.destroy(),
        () => this.picker.destroy(),
        ...this.layers.map((l) => () => l.destroy()),
        () => this.districts?.destroy(),
        () => this.landwater?.destroy(),
        // CesiumWidget.destroy leaves the widget's own ScreenSpaceEventHandler on the canvas (6 listeners per rebuild)
        () =>
          !widget.isDestroyed() &&
          !widget.screenSpaceEventHandler.isDestroyed() &&
          widget.screenSpaceEventHandler.destroy(),
        () => !widget.isDestroyed() && widget.destroy(),
        // Cesium's terrain index cache would keep the destroyed context (and its canvas) alive
        () => contextId !== null && forgetContextBuffers(contextId),
        () => this.widgetStyles.forEach((el) => el.remove()),
      ]);
    } finally {
      if (widgetEl?.isConnected) widgetEl.remove();
    }
  }

  private applyLang(): void {
    const lang = uiLang.getState().lang;
    this.districts?.setLang(lang);
    for (const l of this.layers) l.setLang(lang);
  }

  /** the CIM buildings (their pick shaders compiled once the first tiles are in) and any extra tilesets */
  private loadTilesets(): void {
    const { config, scene, widget } = this;
    if (config.buildingsTileset) {
      const url = config.buildingsTileset;
      loadBuildings(scene, url)
        .then((ts) => {
          if (widget.isDestroyed()) return;
          this.buildings = ts;
          setBuildingsOrigin(buildingsOrigin(ts, url));
          ts.show = uiStore.getState().buildingsVisible;
          ts.initialTilesLoaded.addEventListener(() => this.picker.warmSoon(500));
          scene.requestRender();
        })
        .catch((e: unknown) =>
          addBanner({ id: "buildings", level: "warning", text: `3D Tiles ${url}: ${(e as Error).message}` }),
        );
    }
    for (const url of config.extraTilesets) {
      loadBuildings(scene, url).catch((e: unknown) =>
        addBanner({ id: `tiles-${url}`, level: "warning", text: `3D Tiles ${url}: ${(e as Error).message}` }),
      );
    }
  }

  /** the pick pass's shaders: compiled once the first frame is drawn and the page is idle, not on the first click */
  private warmPickingAfterFirstFrame(): void {
    const off = this.scene.postRender.addEventListener(() => {
      off();
      this.picker.warmSoon(500);
    });
  }
}
