/**
 * Planner mode (?mode=planner): 5G coverage analysis and siting on the CIM scene.
 *  - the coverage worker (src/planner) computes best-server RSRP, demand-weighted KPIs and siting proposals;
 *  - controller.ts keeps the state and runs worker / scenario-API actions; panel.ts is the desk panel;
 *  - globe.ts drapes the heat map, draws candidates (click to place, drag to move) and a polygon being drawn.
 * Test hook: window.__rt.planner (ready, busy, kpis, candidates, snapshotStats, weakSpots, screenOf, …).
 */
import "./planner.css";
import { Rectangle, type Cartesian2, type Scene } from "cesium";
import { installResilience, takeToken, type App, type Resilience } from "../../app/mode-api";
import { CoverageClient } from "../../planner/coverage-client";
import { ScenarioApi } from "../../planner/scenario-api";
import type { LiveStore } from "../../state/live-store";
import { addBanner, setLayerVisible } from "../../state/ui-store";
import { h } from "../../ui/dom";
import type { CoverageKpis } from "../../planner/demand";
import { flyToPoint } from "../../scene/camera";
import { PlannerController, type DataUrls, type PlannerState } from "./controller";
import { closeDrawnPolygon } from "./forms";
import {
  CandidateMarkers,
  DrawOutline,
  HeatMapLayer,
  candidateIdOfPick,
  groundAt,
  installPointer,
  screenOf,
  type PointerCallbacks,
} from "./globe";
import { mountPlannerPanel } from "./panel";
import { mountRestoreSection } from "./restore-section";
import { downSites } from "../command/impact-feed";

export interface PlannerHandle {
  controller: PlannerController;
  destroy(): void;
}

export function startPlanner(app: App): void {
  createPlanner(app);
}

export function createPlanner(app: App): PlannerHandle {
  return new PlannerMode(app);
}

const errorText = (e: unknown) => String((e as Error).message ?? e);

/**
 * The planner's desk and globe wiring. Lifecycle: the constructor builds the worker client, controller, globe
 * layers, panel, restore card, pointer input and click handler, follows the live outages and starts the analysis;
 * after a lost WebGL context the globe layers, pointer input and click handler are made again on the rebuilt scene
 * and the current analysis redrawn on it; `destroy` undoes each (subscriptions, the outage interval, the rebuild
 * watch, the pointer handler, the click handler, the layers, the panel and the worker).
 */
class PlannerMode implements PlannerHandle {
  readonly controller: PlannerController;
  private readonly client = new CoverageClient();
  /** on the current scene (bindScene: made again when the scene is rebuilt) */
  private heat!: HeatMapLayer;
  private markers!: CandidateMarkers;
  private outline!: DrawOutline;
  private pointer!: ReturnType<typeof installPointer>;
  private heatVisible = true;
  private readonly resilience: Resilience;
  private readonly side = h("div", { class: "side planner-side" });
  private readonly panel: { destroy(): void };
  private readonly restoreCard: { destroy(): void };
  private readonly outageTimer: ReturnType<typeof setInterval> | null;
  private readonly unsubscribe: () => void;
  /** the snapshot and area last drawn on the globe */
  private lastSnap: unknown = null;
  private lastArea: unknown = null;
  /** the area's KPIs before the drag in progress */
  private dragBefore: CoverageKpis | null = null;

  constructor(private readonly app: App) {
    const { shell } = app;
    const token = takeToken();
    const api = new ScenarioApi({ baseUrl: app.config.gatewayUrl || "", token });
    const ctl = (this.controller = new PlannerController(this.client, api));

    // the planner's question is about 5G sites: chargers and traffic sensors start hidden (less clutter, fewer
    // live rooms, cheaper frames); the layer panel turns them back on
    setLayerVisible("chargers", false);
    setLayerVisible("sensors", false);

    this.bindScene();

    shell.root.append(this.side);
    shell.drawers.add("planner", this.side, "drawer.planner");
    this.panel = mountPlannerPanel(this.side, ctl, {
      flyToCandidate: (c) => void flyToPoint(this.scene.camera, c.lon, c.lat, 2500, 1),
      setHeatVisible: (v) => {
        this.heatVisible = v;
        this.heat.setVisible(v);
      },
      finishDrawing: () => this.finishDrawing(),
      canWrite: !!token,
    });
    // the live outages (fault / offline sites) for "restore coverage"
    this.restoreCard = mountRestoreSection(this.side, ctl, {
      flyTo: (lon, lat) => void flyToPoint(this.scene.camera, lon, lat, 2500, 1),
      canWrite: !!token,
    });
    const liveStore = app.live?.conn.store;
    this.outageTimer = liveStore ? setInterval(() => this.followOutages(liveStore), 1000) : null;

    this.unsubscribe = ctl.store.subscribe((s, p) => this.drawState(s, p));
    this.resilience = installResilience(app, { onRebuilt: () => this.onRebuilt() });

    ctl
      .init(this.dataUrls())
      .catch((e: unknown) =>
        addBanner({ id: "planner-init", level: "error", text: `planner: ${(e as Error).message ?? e}` }),
      );
    this.installTestHook();
  }

  readonly destroy = (): void => {
    this.resilience.destroy();
    this.unsubscribe();
    this.panel.destroy();
    this.restoreCard.destroy();
    if (this.outageTimer) clearInterval(this.outageTimer);
    this.pointer.destroy();
    this.app.twin.interaction.setClickHandler(undefined);
    this.heat.destroy();
    this.markers.destroy();
    this.outline.destroy();
    this.side.remove();
    this.client.dispose();
  };

  /** the scene of the current twin (a rebuild swaps the twin) */
  private get scene(): Scene {
    return this.app.twin.scene;
  }

  /** the heat map, candidate markers, drawn outline, pointer input and click handler, on the current scene */
  private bindScene(): void {
    const { twin } = this.app;
    this.heat = new HeatMapLayer(twin.scene);
    this.heat.setVisible(this.heatVisible);
    this.markers = new CandidateMarkers(twin.scene);
    this.outline = new DrawOutline(twin.scene);
    this.pointer = installPointer(twin.scene, this.pointerCallbacks());
    twin.interaction.setClickHandler((pos: Cartesian2, picked: unknown) => this.onClick(pos, picked));
  }

  /**
   * The scene was rebuilt (lost WebGL context, render error): the old one took the heat map and markers with it and
   * its canvas is gone; the globe objects are made on the new scene and the current state drawn there, without a
   * flight (the camera pose was kept).
   */
  private onRebuilt(): void {
    this.pointer.destroy();
    this.bindScene();
    const s = this.controller.state;
    this.lastSnap = null;
    this.lastArea = s.area;
    if (s.snap) this.drawSnapshot(s.snap, s.area);
    this.markers.select(s.selected, this.isAuto);
    this.markers.showProposals(s.siting?.result.proposals.map((x) => x.candidate) ?? []);
    this.drawOutline(s);
  }

  private dataUrls(): DataUrls {
    const abs = (u: string) => new URL(u, location.href).href;
    const sitesUrl = abs(this.app.config.data.sites);
    return {
      sites: sitesUrl,
      buildings: new URL("buildings.json", sitesUrl).href,
      districts: abs(this.app.config.data.districts),
    };
  }

  /** the sites in fault / offline now, from the live store (read once a second) */
  private followOutages(liveStore: LiveStore): void {
    const sites = liveStore.getState().layers.sites;
    if (sites?.ready) this.controller.setOutages(downSites(sites.ids, sites.reported));
  }

  /** close the polygon being drawn and analyse it */
  private finishDrawing(): void {
    const pts = this.controller.state.drawing;
    if (!pts) return;
    const r = closeDrawnPolygon(pts, 5);
    if (!r.ok) return addBanner({ id: "planner-draw", level: "warning", text: `${r.field}: ${r.reason}` });
    void this.controller
      .setArea(r.value)
      .catch((e: unknown) => addBanner({ id: "planner-draw", level: "error", text: errorText(e) }));
  }

  private dragging(): boolean {
    return this.pointer.dragging() !== null;
  }

  private readonly isAuto = (id: string): boolean =>
    this.controller.candidates().find((c) => c.id === id)?.source === "auto";

  /** store → globe: heat map, candidates, selection, siting ghosts, drawn outline */
  private drawState(s: PlannerState, p: PlannerState): void {
    const { markers } = this;
    if (s.snap && s.snap !== this.lastSnap) this.drawSnapshot(s.snap, s.area);
    if (s.selected !== p.selected) markers.select(s.selected, this.isAuto);
    if (s.siting !== p.siting) markers.showProposals(s.siting?.result.proposals.map((x) => x.candidate) ?? []);
    if (s.drawing !== p.drawing || s.area !== p.area) this.drawOutline(s);
  }

  /** while drawing: the open outline; afterwards: the closed outline of a drawn analysis polygon */
  private drawOutline(s: PlannerState): void {
    const { outline } = this;
    if (s.drawing) outline.set(s.drawing, false);
    else if (s.area?.kind === "polygon")
      outline.set(s.area.geometry.coordinates[0].slice(0, -1) as [number, number][], true);
    else outline.set([], false);
  }

  /** a new analysis: the heat map, the candidates (unless one is being dragged), a flight to a new area */
  private drawSnapshot(snap: NonNullable<PlannerState["snap"]>, area: PlannerState["area"]): void {
    this.lastSnap = snap;
    const g = snap.grid;
    this.heat.update({
      rgba: snap.rgba,
      nx: g.nx,
      ny: g.ny,
      west: g.west,
      south: g.south,
      east: g.east,
      north: g.north,
    });
    if (!this.dragging()) this.markers.set(snap.candidates);
    if (area !== this.lastArea) {
      this.lastArea = area;
      this.scene.camera.flyTo({ destination: Rectangle.fromDegrees(g.west, g.south, g.east, g.north), duration: 1.5 });
    }
  }

  /** drag a candidate to move it (live KPI deltas while moving, saved on release); double-click finishes a polygon */
  private pointerCallbacks(): PointerCallbacks {
    const ctl = this.controller;
    return {
      hit: (pos) => this.markers.hit(pos),
      dragStart: (id) => {
        if (ctl.state.drawing) return false;
        ctl.select(id);
        this.dragBefore = ctl.state.snap?.kpis.area ?? null;
        return true;
      },
      dragMove: (id, lon, lat) => {
        const c = ctl.candidates().find((x) => x.id === id);
        if (!c) return;
        this.markers.move(id, lon, lat, c.heightM);
        void ctl.drag({ ...c, lon, lat }, this.dragBefore).catch(() => undefined);
      },
      dragEnd: (id, lon, lat) => {
        const c = ctl.candidates().find((x) => x.id === id);
        if (!c) return;
        void ctl
          .upsert({ ...c, lon, lat })
          .then(() => ctl.store.setState({ before: this.dragBefore }))
          .catch((e: unknown) => addBanner({ id: "planner-drag", level: "error", text: errorText(e) }));
      },
      doubleClick: () => {
        if (ctl.state.drawing) this.finishDrawing();
      },
    };
  }

  /** a click on the globe: a polygon vertex while drawing, select a candidate, or place one */
  private onClick(pos: Cartesian2, picked: unknown): boolean {
    const ctl = this.controller;
    if (this.pointer.consumeClick()) return true;
    const s = ctl.state;
    if (s.drawing) {
      const g = groundAt(this.scene, pos);
      if (g) ctl.addVertex(g[0], g[1]);
      return true;
    }
    // a marker over a live site's dot: the pick answers the dot (found on the CPU), the marker is drawn on top
    const cid = this.markers.hit(pos) ?? candidateIdOfPick(picked);
    if (cid) {
      ctl.select(cid);
      return true;
    }
    if (!s.ready || !s.snap || !s.placeOnClick) return false;
    const g = groundAt(this.scene, pos);
    if (!g) return false;
    void ctl
      .place(g[0], g[1])
      .catch((e: unknown) => addBanner({ id: "planner-place", level: "error", text: errorText(e) }));
    return true;
  }

  /** window.__rt.planner (tests and diagnostics) */
  private installTestHook(): void {
    if (!window.__rt) return;
    const { controller: ctl } = this;
    // the scene and heat map through `this`: a rebuilt scene replaces both
    const mode = () => this;
    window.__rt.planner = {
      ready: () => ctl.state.ready,
      busy: () => ctl.state.busy > 0,
      area: () => ctl.state.area,
      kpis: () => ctl.state.snap?.kpis ?? null,
      candidates: () => ctl.candidates(),
      selected: () => ctl.state.selected,
      rebuilds: () =>
        mode()
          .resilience.history()
          .map((r) => r.reason),
      snapshotStats: () => {
        const sn = ctl.state.snap;
        return sn
          ? {
              ...sn.stats,
              nx: sn.grid.nx,
              ny: sn.grid.ny,
              cellSizeM: sn.grid.cellSizeM,
              heatUpdates: mode().heat.updates,
              workerMs: ctl.state.workerMs,
            }
          : null;
      },
      lastDelta: () => ctl.state.lastDelta,
      proposals: () => ctl.state.siting?.result.proposals ?? [],
      outages: () => ctl.state.outages,
      restore: () => ctl.state.restore,
      scenarios: () => ctl.state.scenarios,
      current: () => ctl.state.current,
      importReport: () => ctl.state.importReport,
      weakSpots: (n = 10) => ctl.weakSpots(n),
      screenOf: (lon: number, lat: number, height = 0) => screenOf(mode().scene, lon, lat, height),
      /** stop any flight and look straight down at a point (tests) */
      lookAt: (lon: number, lat: number, range: number) => {
        mode().scene.camera.cancelFlight();
        window.__rt?.lookAt(lon, lat, range);
      },
      controller: ctl,
      handle: this,
    };
  }
}
