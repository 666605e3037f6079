/**
 * Entry point: read ?mode= and ?config=, load and validate the config and data, build the twin, mount the shared
 * panels, start the mode. Exposes `window.__rt` for e2e tests and diagnostics.
 */
import "../ui/style.css";
import { DEFAULT_CONFIG, loadConfig, type SceneConfig } from "../config/schema";
import { loadAll } from "../layers/load-data";
import { LandWaterFile, parseDataFile, type LayerId, type LonLat } from "../protocol/data";
import { createTwin, type TwinData } from "./twin";
import { addBanner, select, setOrigins, subscribeSlice, uiStore, type DataOrigin } from "../state/ui-store";
import { bindLive, takeToken, type LiveBinding } from "./live-wiring";
import { mountAlarms } from "../ui/panels/alarms";
import { t, setLang } from "../ui/i18n";
import { mountHeader } from "../ui/panels/header";
import { mountLayerPanel } from "../ui/panels/layer-panel";
import { mountBanners } from "../ui/panels/banner";
import { mountInspector } from "../ui/panels/inspector";
import { chargePointActions } from "../ui/panels/charge-point-commands";
import { mountSearch } from "../ui/panels/search";
import { mountViews } from "../ui/panels/views";
import { Drawers } from "../ui/panels/drawers";
import { h } from "../ui/dom";
import { UrlFlags } from "../ui/url-flags";
import { parseMode, type Mode } from "../modes/mode";
import { exposeTestHooks } from "./test-hooks";
import type { App, Shell } from "./types";
import { installInspect } from "../inspect";
import { HistoryApi } from "../history/history-api";
import { mountTimeline, replayParams } from "../history/timeline";

async function loadLandWater(url: string | null): Promise<LandWaterFile | null> {
  if (!url) return null;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return parseDataFile(LandWaterFile, await res.json(), url);
  } catch (e) {
    addBanner({ id: "data-landwater", level: "error", text: `${t("dataError")}${String(e)}` });
    return null;
  }
}

async function loadRiver(url: string | null): Promise<LonLat[][] | null> {
  if (!url) return null;
  try {
    const res = await fetch(url);
    if (!res.ok) return null;
    const gj = (await res.json()) as { features?: Array<{ geometry?: { type: string; coordinates: unknown } }> };
    const lines: LonLat[][] = [];
    for (const f of gj.features ?? []) {
      const g = f.geometry;
      if (!g) continue;
      if (g.type === "LineString") lines.push(g.coordinates as LonLat[]);
      else if (g.type === "MultiLineString" || g.type === "Polygon") lines.push(...(g.coordinates as LonLat[][]));
      else if (g.type === "MultiPolygon") for (const p of g.coordinates as LonLat[][][]) lines.push(...p);
    }
    return lines.length ? lines : null;
  } catch {
    return null;
  }
}

async function loadData(config: SceneConfig): Promise<TwinData> {
  const [r, river, landwater] = await Promise.all([
    loadAll(config.data),
    loadRiver(config.data.river),
    loadLandWater(config.data.landwater),
  ]);
  const take = <T>(key: string, res: { ok: true; value: T } | { ok: false; error: string }): T | null => {
    if (res.ok) return res.value;
    addBanner({ id: `data-${key}`, level: "error", text: `${t("dataError")}${res.error}` });
    return null;
  };
  const origins: Partial<Record<LayerId, DataOrigin>> = {};
  for (const id of ["sites", "datacentres", "chargers", "sensors"] as const) {
    const res = r[id];
    if (res.ok) origins[id] = { sample: res.value.sample, source: res.value.source ?? null };
  }
  setOrigins(origins);
  return {
    districts: take("districts", r.districts),
    river,
    landwater,
    landmarks: take("landmarks", r.landmarks)?.items ?? [],
    roads: take("roads", r.roads)?.items ?? [],
    sites: take("sites", r.sites)?.items ?? [],
    datacentres: take("datacentres", r.datacentres)?.items ?? [],
    chargers: take("chargers", r.chargers)?.items ?? [],
    sensors: take("sensors", r.sensors)?.items ?? [],
  };
}

function buildShell(root: HTMLElement, mode: Mode): Shell {
  root.className = `app mode-${mode}`;
  const globe = h("div", { class: "globe", "data-testid": "globe" });
  const top = h("div", { class: "top" });
  const left = h("div", { class: "side left" });
  const right = h("div", { class: "side right" });
  const bottom = h("div", { class: "bottom" });
  const overlay = h("div", { class: "overlay" });
  root.append(globe, top, left, right, bottom, overlay);
  const drawers = new Drawers(root);
  return { root, globe, top, left, right, bottom, overlay, drawers };
}

/** `--tl-h` on the shell: the timeline's height, which the narrow layout stacks the view buttons and drawers on */
function followTimelineHeight(root: HTMLElement): void {
  const tl = root.querySelector<HTMLElement>(".timeline");
  if (!tl) return;
  new ResizeObserver(() => root.style.setProperty("--tl-h", `${Math.ceil(tl.offsetHeight)}px`)).observe(tl);
}

/** the overview's and planner's own panels: search, layers, camera views, and the drawers they fold into */
function mountOverviewPanels(app: App): void {
  const { shell, config, mode } = app;
  // panels ask for app.twin when they act: a scene rebuild replaces the twin (and its camera and layers)
  mountSearch(
    shell.top,
    () => app.twin.layers,
    (hit) => {
      select({ kind: "object", layer: hit.layer, index: hit.index });
      void app.twin.flyToObject(hit, hit.layer === "sites" ? 1500 : 3000);
    },
  );
  mountLayerPanel(shell.left, () => app.twin.layers, {
    setVisible: (v) => {
      const { buildings, scene } = app.twin;
      if (!buildings) return;
      buildings.show = v;
      scene.requestRender();
    },
  });
  mountViews(shell.bottom, () => app.twin.scene.camera, config.camera.presets);
  shell.drawers.add("layers", shell.left, "drawer.layers");
  shell.drawers.add("info", shell.right, mode === "default" ? "drawer.info" : "drawer.details");
  // on a narrow screen a chosen object opens its details
  subscribeSlice(
    uiStore,
    (s) => s.selection,
    (sel) => {
      if (sel && Drawers.narrow()) shell.drawers.open("info");
    },
  );
}

/** the inspector with its actions: "look inside" (three.js, loaded on first open) and, for operators, OCPP commands */
function mountInspectorPanel(app: App, live: LiveBinding): void {
  const ocppActions = chargePointActions({
    role: () => live.conn.store.getState().server?.role,
    token: () => sessionStorage.getItem("rongtwin.token") ?? undefined,
    baseUrl: app.config.gatewayUrl,
    idOf: (i) => app.twin.layer("chargers")?.idOf(i) ?? "",
  });
  const inspect = installInspect(app);
  mountInspector(app.shell.right, {
    layers: () => app.twin.layers,
    live: live.view,
    onLiveTick: live.onTick,
    actions: (sel) => [...inspect.actions(sel), ...ocppActions(sel)],
  });
}

/** the overview's alarm list: choosing an alarm selects its object and flies there */
function mountOverviewAlarms(app: App, live: LiveBinding): void {
  mountAlarms(app.shell.right, {
    store: live.conn.store,
    nameOf: (a) => app.twin.layer(a.layer)?.nameOf(a.objectIndex) ?? a.objectId,
    onChoose: (a) => {
      select({ kind: "object", layer: a.layer, index: a.objectIndex });
      void app.twin.flyToObject({ layer: a.layer, index: a.objectIndex });
    },
    ack: (a) => live.conn.ack(a.id),
  });
}

function connectLive(app: App, token: string | undefined): LiveBinding {
  const { config } = app;
  return bindLive(app.twin, {
    url: config.gatewayUrl,
    token,
    staleMs: config.staleAfterS * 1000,
    frameMs: Number(UrlFlags.ofPage().string("liveMs") ?? config.liveFrameMs),
    replay: replayParams(location.search) ?? undefined,
  });
}

async function boot(): Promise<void> {
  const flags = UrlFlags.ofPage();
  const mode = parseMode(flags.string("mode"));
  if (flags.string("lang") === "en") setLang("en");
  const root = document.getElementById("app")!;
  const shell = buildShell(root, mode);
  mountBanners(shell.overlay);
  const header = mountHeader(shell.top, `mode.${mode}`);

  const cfgUrl = flags.string("config") ?? "config/scene.json";
  const cfg = await loadConfig(cfgUrl);
  if (cfg.error) addBanner({ id: "config", level: "error", text: `${t("configError")}${cfg.error}` });
  const config = cfg.error ? DEFAULT_CONFIG : cfg.config;

  const data = await loadData(config);
  const msaaSamples = navigator.webdriver || flags.on("msaa") ? 1 : 4;
  const twin = createTwin({ container: shell.globe, config, data, msaaSamples });

  const app: App = { mode, config, twin, shell, live: null };
  const hooks = exposeTestHooks(app);

  if (mode !== "kiosk" && mode !== "command") mountOverviewPanels(app);
  const token = takeToken();
  const live = connectLive(app, token);
  app.live = live;
  hooks.attachLive(live);
  mountInspectorPanel(app, live);
  subscribeSlice(
    live.conn.store,
    (s) => s.connection,
    (c) => header.setConnection({ state: c.state, since: c.since }),
  );
  header.setConnection(live.conn.store.getState().connection);
  if (mode === "default") mountOverviewAlarms(app, live);
  if (mode !== "kiosk")
    mountTimeline(shell.top.querySelector(".app-header") ?? shell.top, shell.root, {
      api: new HistoryApi(new URL(config.gatewayUrl || location.origin, location.href).toString(), token),
      replay: live.replay,
      now: () => live.conn.twinNow(),
    });
  followTimelineHeight(shell.root);
  const { startMode } = await import("../modes/start");
  await startMode(mode, app);
  hooks.markReady();
}

boot().catch((e: unknown) => {
  console.error(e);
  addBanner({ id: "boot", level: "error", text: String((e as Error).message ?? e) });
});
