/**
 * Planner mode (?mode=planner): 5G coverage analysis and siting on the CIM scene.
 *  - the coverage worker (src/planner) computes best-server RSRP, demand-weighted KPIs and siting proposals;
 *  - controller.ts keeps the state and runs worker / scenario-API actions; panel.ts is the desk panel;
 *  - globe.ts drapes the heat map, draws candidates (click to place, drag to move) and a polygon being drawn.
 * Test hook: window.__rt.planner (ready, busy, kpis, candidates, snapshotStats, weakSpots, screenOf, …).
 */
import "./planner.css";
import { Rectangle, type Cartesian2 } from "cesium";
import { takeToken, type App } from "../../app/mode-api";
import { CoverageClient } from "../../planner/coverage-client";
import { ScenarioApi } from "../../planner/scenario-api";
import { addBanner, setLayerVisible } from "../../state/ui-store";
import { h } from "../../ui/dom";
import type { CoverageKpis } from "../../planner/demand";
import { flyToPoint } from "../../scene/camera";
import { PlannerController } from "./controller";
import { closeDrawnPolygon } from "./forms";
import {
  CandidateMarkers,
  DrawOutline,
  HeatMapLayer,
  candidateIdOfPick,
  groundAt,
  installPointer,
  screenOf,
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
  const { twin, shell } = app;
  const scene = twin.scene;
  const abs = (u: string) => new URL(u, location.href).href;
  const sitesUrl = abs(app.config.data.sites);
  const urls = {
    sites: sitesUrl,
    buildings: new URL("buildings.json", sitesUrl).href,
    districts: abs(app.config.data.districts),
  };
  const token = takeToken();
  const client = new CoverageClient();
  const api = new ScenarioApi({ baseUrl: app.config.gatewayUrl || "", token });
  const ctl = new PlannerController(client, api);

  // the planner's question is about 5G sites: chargers and traffic sensors start hidden (less clutter, fewer
  // live rooms, cheaper frames); the layer panel turns them back on
  setLayerVisible("chargers", false);
  setLayerVisible("sensors", false);

  const heat = new HeatMapLayer(scene);
  const markers = new CandidateMarkers(scene);
  const outline = new DrawOutline(scene);

  const side = h("div", { class: "side planner-side" });
  shell.root.append(side);
  shell.drawers.add("planner", side, "drawer.planner");
  const finishDrawing = () => {
    const pts = ctl.state.drawing;
    if (!pts) return;
    const r = closeDrawnPolygon(pts, 5);
    if (!r.ok) return addBanner({ id: "planner-draw", level: "warning", text: `${r.field}: ${r.reason}` });
    void ctl
      .setArea(r.value)
      .catch((e: unknown) =>
        addBanner({ id: "planner-draw", level: "error", text: String((e as Error).message ?? e) }),
      );
  };
  const panel = mountPlannerPanel(side, ctl, {
    flyToCandidate: (c) => void flyToPoint(scene.camera, c.lon, c.lat, 2500, 1),
    setHeatVisible: (v) => heat.setVisible(v),
    finishDrawing,
    canWrite: !!token,
  });

  // the live outages (fault / offline sites) for "restore coverage"
  const restoreCard = mountRestoreSection(side, ctl, {
    flyTo: (lon, lat) => void flyToPoint(scene.camera, lon, lat, 2500, 1),
    canWrite: !!token,
  });
  const liveStore = app.live?.conn.store;
  const followOutages = () => {
    const sites = liveStore?.getState().layers.sites;
    if (sites?.ready) ctl.setOutages(downSites(sites.ids, sites.reported));
  };
  const outageTimer = liveStore ? setInterval(followOutages, 1000) : null;

  // ---------------------------------------------------------- store → globe
  let lastSnap: unknown = null;
  let lastArea: unknown = null;
  const isAuto = (id: string) => ctl.candidates().find((c) => c.id === id)?.source === "auto";
  const unsub = ctl.store.subscribe((s, p) => {
    if (s.snap && s.snap !== lastSnap) {
      lastSnap = s.snap;
      const g = s.snap.grid;
      heat.update({
        rgba: s.snap.rgba,
        nx: g.nx,
        ny: g.ny,
        west: g.west,
        south: g.south,
        east: g.east,
        north: g.north,
      });
      if (!dragging()) markers.set(s.snap.candidates);
      if (s.area !== lastArea) {
        lastArea = s.area;
        scene.camera.flyTo({ destination: Rectangle.fromDegrees(g.west, g.south, g.east, g.north), duration: 1.5 });
      }
    }
    if (s.selected !== p.selected) markers.select(s.selected, isAuto);
    if (s.siting !== p.siting) markers.showProposals(s.siting?.result.proposals.map((x) => x.candidate) ?? []);
    if (s.drawing !== p.drawing || s.area !== p.area) {
      // while drawing: the open outline; afterwards: the closed outline of a drawn analysis polygon
      if (s.drawing) outline.set(s.drawing, false);
      else if (s.area?.kind === "polygon")
        outline.set(s.area.geometry.coordinates[0].slice(0, -1) as [number, number][], true);
      else outline.set([], false);
    }
  });

  // ---------------------------------------------------------- clicks, drags, double-clicks
  let dragBefore: CoverageKpis | null = null;
  const pointer = installPointer(scene, {
    hit: (pos) => markers.hit(pos),
    dragStart(id) {
      if (ctl.state.drawing) return false;
      ctl.select(id);
      dragBefore = ctl.state.snap?.kpis.area ?? null;
      return true;
    },
    dragMove(id, lon, lat) {
      const c = ctl.candidates().find((x) => x.id === id);
      if (!c) return;
      markers.move(id, lon, lat, c.heightM);
      void ctl.drag({ ...c, lon, lat }, dragBefore).catch(() => undefined);
    },
    dragEnd(id, lon, lat) {
      const c = ctl.candidates().find((x) => x.id === id);
      if (!c) return;
      void ctl
        .upsert({ ...c, lon, lat })
        .then(() => ctl.store.setState({ before: dragBefore }))
        .catch((e: unknown) =>
          addBanner({ id: "planner-drag", level: "error", text: String((e as Error).message ?? e) }),
        );
    },
    doubleClick() {
      if (ctl.state.drawing) finishDrawing();
    },
  });
  const dragging = () => pointer.dragging() !== null;
  twin.interaction.setClickHandler((pos: Cartesian2, picked: unknown) => {
    if (pointer.consumeClick()) return true;
    const s = ctl.state;
    if (s.drawing) {
      const g = groundAt(scene, pos);
      if (g) ctl.addVertex(g[0], g[1]);
      return true;
    }
    const cid = candidateIdOfPick(picked);
    if (cid) {
      ctl.select(cid);
      return true;
    }
    if (!s.ready || !s.snap || !s.placeOnClick) return false;
    const g = groundAt(scene, pos);
    if (!g) return false;
    void ctl
      .place(g[0], g[1])
      .catch((e: unknown) =>
        addBanner({ id: "planner-place", level: "error", text: String((e as Error).message ?? e) }),
      );
    return true;
  });

  // ---------------------------------------------------------- start
  ctl
    .init(urls)
    .catch((e: unknown) =>
      addBanner({ id: "planner-init", level: "error", text: `planner: ${(e as Error).message ?? e}` }),
    );

  const handle: PlannerHandle = {
    controller: ctl,
    destroy() {
      unsub();
      panel.destroy();
      restoreCard.destroy();
      if (outageTimer) clearInterval(outageTimer);
      pointer.destroy();
      twin.interaction.setClickHandler(undefined);
      heat.destroy();
      markers.destroy();
      outline.destroy();
      side.remove();
      client.dispose();
    },
  };

  // ---------------------------------------------------------- test hooks
  if (window.__rt)
    window.__rt.planner = {
      ready: () => ctl.state.ready,
      busy: () => ctl.state.busy > 0,
      area: () => ctl.state.area,
      kpis: () => ctl.state.snap?.kpis ?? null,
      candidates: () => ctl.candidates(),
      snapshotStats: () => {
        const sn = ctl.state.snap;
        return sn
          ? {
              ...sn.stats,
              nx: sn.grid.nx,
              ny: sn.grid.ny,
              cellSizeM: sn.grid.cellSizeM,
              heatUpdates: heat.updates,
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
      screenOf: (lon: number, lat: number, height = 0) => screenOf(scene, lon, lat, height),
      /** stop any flight and look straight down at a point (tests) */
      lookAt: (lon: number, lat: number, range: number) => {
        scene.camera.cancelFlight();
        window.__rt?.lookAt(lon, lat, range);
      },
      controller: ctl,
      handle,
    };
  return handle;
}
