/**
 * Command-centre wall mode (?mode=command): a 3840x2160 design stage scaled to the screen (wall.ts), the plan's KPI
 * board with measured 5G density (plan-board.ts), live infrastructure KPIs with last-hour trends (live-board.ts), an
 * alarm board with acknowledgement (alarm-board.ts), a camera director that follows new critical alarms and tours
 * when idle (director.ts), and the 24/7 watchdog that rebuilds the scene after context loss or render errors
 * (src/app/resilience.ts).
 *
 * URL options: dwell=<s> (alarm dwell, default 12), idle=<s> (tour after, default 60), tour=0 (no tour),
 * follow=critical|major|none (which new alarms drive the camera, default critical), res=<0.1..2> (globe resolution scale, default 1: a wall driven by a weak GPU can trade sharpness for frame rate).
 */
import { districtPopulation2020, sitesTrajectory, type TrajectoryPoint } from "../../protocol/population";
import "./command.css";
import { installResilience, type App, type Resilience } from "../../app/mode-api";
import type { CameraView } from "../../config/schema";
import type { Alarm, Severity } from "../../protocol/live";
import type { LayerId } from "../../protocol/data";
import { select, setLayerVisible, uiStore, type Selection } from "../../state/ui-store";
import { UrlFlags } from "../../ui/url-flags";
import { t } from "../../ui/i18n";
import { mountAlarmBoard } from "./alarm-board";
import { cesiumCameraPort } from "./camera-port";
import { createDirector, type Director } from "./director";
import { AlarmNews, OperatorInput } from "./director-inputs";
import { FollowCard } from "./follow-card";
import { sitesPer10k, type DistrictPopulation, type SitesDensity } from "./kpi";
import { mountLiveBoard, type LiveBoard } from "./live-board";
import { HistoryApi } from "../../history/history-api";
import { mountPlanBoard, type PlanMeasurements } from "./plan-board";
import { fitTimelineToCentre, liftAboveTimeline, mountWall, type Wall } from "./wall";
import { mountImpact, type ImpactMount } from "./impact";

export interface CommandHandle {
  director: Director;
  resilience: Resilience;
  density: SitesDensity | null;
  destroy(): void;
}

export function startCommand(app: App): void {
  createCommand(app);
}

/** Mounts command mode and returns its handle (teardown, director, resilience). */
export function createCommand(app: App): CommandHandle {
  return new CommandWall(app);
}

type LiveBinding = NonNullable<App["live"]>;
type TwinData = App["twin"]["data"];

/** the wall's URL options (see the module comment) */
interface CommandOptions {
  dwellMs: number;
  idleMs: number;
  tour: readonly CameraView[];
  res: number;
  /** which new alarms drive the camera */
  severities: Severity[];
}

function commandOptions(app: App): CommandOptions {
  const flags = UrlFlags.ofPage();
  const followParam = flags.string("follow");
  return {
    dwellMs: flags.number("dwell", 12, { min: 1, max: 600 }) * 1000,
    idleMs: flags.number("idle", 60, { min: 2, max: 86400 }) * 1000,
    tour: flags.enabled("tour") ? app.config.camera.tour : [],
    res: flags.number("res", 1, { min: 0.1, max: 2 }),
    severities:
      followParam === "none" || followParam === "0"
        ? []
        : followParam === "major"
          ? ["critical", "major"]
          : ["critical"],
  };
}

/** the measured 5G density (from the sites layer and the district populations) and its yearly trajectory */
function planMeasures(data: TwinData): {
  districtPops: DistrictPopulation[] | null;
  density: SitesDensity | null;
  trajectory: TrajectoryPoint[];
} {
  const population2020 = districtPopulation2020();
  const trajectory = sitesTrajectory(data.sites.map((s) => s.commissioned));
  const districtPops = data.districts
    ? data.districts.features.map((f) => ({
        name: f.properties.name,
        nameEn: f.properties.nameEn,
        population: population2020[f.properties.name],
      }))
    : null;
  const density = districtPops
    ? sitesPer10k(
        data.sites.map((s) => s.district),
        districtPops,
        35,
      )
    : null;
  return { districtPops, density, trajectory };
}

/**
 * The wall: stage, plan board and, with the live feed, the outage impact, live KPIs, camera director, alarm board,
 * follow card, operator input and the 24/7 watchdog. Lifecycle: the constructor mounts everything and records a
 * cleanup for each part; `destroy` runs them newest first (once).
 */
class CommandWall implements CommandHandle {
  readonly director: Director;
  readonly resilience: Resilience;
  readonly density: SitesDensity | null;
  private readonly cleanups: (() => void)[] = [];
  private readonly options: CommandOptions;
  private readonly wall: Wall;
  private readonly plan: { update(): void; destroy(): void };
  private readonly trajectory: TrajectoryPoint[];
  /** with the live feed: the outage impact (the plan board then counts only sites in service) */
  private impact: ImpactMount | null = null;
  private lastTick: number | null = null;

  constructor(private readonly app: App) {
    this.options = commandOptions(app);
    this.applyRes();
    const live = app.live;
    if (live) this.cleanups.push(live.onTick(() => (this.lastTick = Date.now())));
    this.wall = mountWall(app, () => (this.lastTick === null ? null : Date.now() - this.lastTick));
    this.cleanups.push(() => this.wall.destroy());
    const measures = planMeasures(app.twin.data);
    this.density = measures.density;
    this.trajectory = measures.trajectory;
    this.plan = mountPlanBoard(this.wall.left, () => this.planMeasurements());
    this.cleanups.push(this.plan.destroy);
    if (live) {
      const parts = this.mountLive(live, measures.districtPops);
      this.director = parts.director;
      this.resilience = parts.resilience;
    } else {
      this.director = createDirector({
        camera: cesiumCameraPort(app),
        getSelection: () => null,
        setSelection: () => {},
        selectObject: () => {},
        stillActive: () => false,
      });
      this.resilience = installResilience(app);
      this.cleanups.push(this.director.destroy, this.resilience.destroy);
    }
    app.shell.root.dataset.modeReady = "command";
  }

  readonly destroy = (): void => {
    for (const c of this.cleanups.splice(0).reverse()) c();
  };

  private applyRes(): void {
    if (this.options.res !== 1) this.app.twin.widget.resolutionScale = this.options.res;
  }

  private readonly nameOf = (a: Alarm): string => this.app.twin.layer(a.layer)?.nameOf(a.objectIndex) ?? a.objectId;

  /** with the live feed, the measured density counts only sites in service (outage impact) */
  private planMeasurements(): PlanMeasurements {
    const d = this.impact?.densityInService() ?? this.density;
    return {
      measured: d ? { "5g_sites_per_10k_people": d.per10k } : {},
      density: d,
      trajectory: this.trajectory,
      label: this.impact ? t("cmd.measuredInService") : undefined,
    };
  }

  private mountLive(
    live: LiveBinding,
    districtPops: DistrictPopulation[] | null,
  ): { director: Director; resilience: Resilience } {
    const { app, wall, cleanups } = this;
    const store = live.conn.store;
    const historyApi = new HistoryApi(
      new URL(app.config.gatewayUrl || location.origin, location.href).toString(),
      sessionStorage.getItem("rongtwin.token") ?? undefined,
    );
    // live outage impact: footprint, tile, in-service density, outage framing for the director
    const impact = mountImpact(app, wall.center, store, {
      districts: districtPops,
      trend: { now: () => live.conn.twinNow(), history: historyApi },
    });
    this.impact = impact;
    cleanups.push(impact.onChange(this.plan.update), impact.destroy);
    // live KPIs + trends
    const board = mountLiveBoard(wall.right, store, () => app.twin.data, {
      now: () => live.conn.twinNow(),
      preload: (from, to) => historyApi.kpis(from, to, 5000),
    });
    cleanups.push(board.destroy, wall.onLayout(board.resize));
    const director = this.wallDirector(live, impact);
    cleanups.push(director.destroy, new AlarmNews(live.conn, director).destroy);
    const alarms = mountAlarmBoard(wall.right, {
      store,
      nameOf: this.nameOf,
      ack: (a) => live.conn.ack(a.id),
      choose: (a) => {
        director.input("camera");
        select({ kind: "object", layer: a.layer, index: a.objectIndex });
        void app.twin.flyToObject({ layer: a.layer, index: a.objectIndex });
      },
      following: () => director.state().current?.alarm.id ?? null,
    });
    cleanups.push(alarms.destroy);
    const card = new FollowCard(wall.center, director, this.options.tour, this.nameOf);
    cleanups.push(card.destroy, fitTimelineToCentre(wall), liftAboveTimeline(card.el, wall));
    cleanups.push(new OperatorInput(() => app.twin.scene.canvas, director).destroy);
    // 24/7: rebuild on context loss / render error
    const resilience = installResilience(app, {
      onRebuilt: () => {
        this.applyRes();
        impact.rebuilt();
        board.resize();
        alarms.render();
      },
    });
    cleanups.push(resilience.destroy);
    this.installTestHook(director, resilience, board, impact);
    return { director, resilience };
  }

  /** the camera director over the wall's camera (site alarms framed as outages) and the shared selection */
  private wallDirector(live: LiveBinding, impact: ImpactMount): Director {
    const store = live.conn.store;
    const stillActive = (id: string) => {
      const a = store.getState().alarms.find((x) => x.id === id);
      return !a || (a.clearedAt === undefined && a.ackedAt === undefined);
    };
    const { dwellMs, idleMs, tour, severities } = this.options;
    return createDirector<ReturnType<ReturnType<typeof cesiumCameraPort>["save"]>, Selection>(
      {
        camera: impact.cameraPort(cesiumCameraPort(this.app)),
        getSelection: () => uiStore.getState().selection,
        setSelection: (s) => select(s),
        selectObject: (r) => select({ kind: "object", layer: r.layer, index: r.index }),
        stillActive,
      },
      { dwellMs, idleMs, tour, severities },
    );
  }

  /** window.__rt.command (tests and diagnostics) */
  private installTestHook(director: Director, resilience: Resilience, board: LiveBoard, impact: ImpactMount): void {
    if (!window.__rt) return;
    const { app, wall } = this;
    window.__rt.command = {
      state: () => director.state(),
      kpis: () => board.kpis(),
      density: () => this.density,
      rebuilds: () => resilience.history(),
      rebuild: (reason = "test") => resilience.rebuild(reason),
      layout: () => wall.layout(),
      historyLength: () => board.history.length,
      impactPrimitives: () => impact.footprint.primitiveCount(),
      impact: () => {
        const r = impact.feed.latest();
        return r ? { ...r, runs: r.runs.length / 3, drawn: impact.footprint.drawn } : null;
      },
      setLayerVisible: (id: LayerId, v: boolean) => {
        setLayerVisible(id, v);
        app.twin.layer(id)?.setVisible(v);
      },
      select: (layer: LayerId, index: number) => select({ kind: "object", layer, index }),
      selection: () => uiStore.getState().selection,
      destroy: this.destroy,
    };
  }
}
