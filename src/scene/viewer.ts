/**
 * Creates the Cesium widget for every mode: offline (no ion, no Bing), request-render mode, a dark night-blue globe
 * with Cesium's bundled NaturalEarthII imagery dimmed underneath, or an opt-in XYZ / WMTS basemap from config.
 */
import {
  CesiumWidget,
  Color,
  ImageryLayer,
  Ion,
  TileMapServiceImageryProvider,
  UrlTemplateImageryProvider,
  WebMapTileServiceImageryProvider,
  buildModuleUrl,
  CesiumTerrainProvider,
  EllipsoidTerrainProvider,
  Credit,
  type ImageryProvider,
  type TerrainProvider,
} from "cesium";
import "cesium/Build/Cesium/Widgets/widgets.css";
import type { Basemap, SceneConfig } from "../config/schema";
import { Gcj02TilingScheme } from "./gcj02-tiling";

Ion.defaultAccessToken = "";

export const NIGHT = Color.fromCssColorString("#04101f");

export interface ViewerOptions {
  container: HTMLElement;
  config: SceneConfig;
  /** 1 under test (software WebGL), 4 on real GPUs */
  msaaSamples: number;
}

function basemapProvider(b: Basemap): Promise<ImageryProvider> {
  switch (b.type) {
    case "embedded":
      return TileMapServiceImageryProvider.fromUrl(buildModuleUrl("Assets/Textures/NaturalEarthII"));
    case "xyz":
      return Promise.resolve(
        new UrlTemplateImageryProvider({
          url: b.url,
          maximumLevel: b.maximumLevel,
          credit: b.credit ? new Credit(b.credit) : undefined,
          tilingScheme: b.crs === "gcj02" ? new Gcj02TilingScheme() : undefined,
        }),
      );
    case "wmts":
      return Promise.resolve(
        new WebMapTileServiceImageryProvider({
          url: b.url,
          layer: b.layer,
          style: b.style,
          tileMatrixSetID: b.tileMatrixSetID,
          format: b.format,
          maximumLevel: b.maximumLevel,
          credit: b.credit ? new Credit(b.credit) : undefined,
        }),
      );
  }
}

export function createViewer(opts: ViewerOptions): CesiumWidget {
  const { config } = opts;
  const baseLayer = ImageryLayer.fromProviderAsync(basemapProvider(config.basemap));
  if (config.basemap.type === "embedded") {
    // a dark command-centre look: the natural-earth texture only hints at land and sea
    baseLayer.brightness = 0.32;
    baseLayer.contrast = 1.25;
    baseLayer.saturation = 0.25;
    baseLayer.hue = 0.05;
  }
  let terrainProvider: TerrainProvider | Promise<TerrainProvider> = new EllipsoidTerrainProvider();
  if (config.terrainUrl) terrainProvider = CesiumTerrainProvider.fromUrl(config.terrainUrl);

  const widget = new CesiumWidget(opts.container, {
    baseLayer,
    terrainProvider: terrainProvider as TerrainProvider,
    requestRenderMode: true,
    maximumRenderTimeChange: Infinity,
    msaaSamples: opts.msaaSamples,
    showRenderLoopErrors: false,
    skyBox: false,
    skyAtmosphere: false,
    contextOptions: { webgl: { preserveDrawingBuffer: true, alpha: false } },
  });
  if (terrainProvider instanceof Promise) {
    terrainProvider
      .then((tp) => (widget.scene.terrainProvider = tp))
      .catch((e: unknown) => console.error("terrain", e));
  }
  const scene = widget.scene;
  scene.backgroundColor = NIGHT;
  scene.globe.baseColor = NIGHT;
  scene.globe.showGroundAtmosphere = false;
  scene.globe.enableLighting = false;
  scene.globe.depthTestAgainstTerrain = false;
  scene.fog.enabled = false;
  if (scene.sun) scene.sun.show = false;
  if (scene.moon) scene.moon.show = false;
  scene.highDynamicRange = false;
  scene.postProcessStages.fxaa.enabled = opts.msaaSamples <= 1;
  // hide Cesium's credit logo area clutter but keep attributions reachable (credits container stays in the DOM)
  return widget;
}
