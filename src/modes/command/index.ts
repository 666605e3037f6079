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
import { districtPopulation2020, sitesTrajectory } from "../../protocol/population";
import "./command.css";
import { installResilience, type App, type Resilience } from "../../app/mode-api";
import type { Alarm, Severity } from "../../protocol/live";
import type { LayerId } from "../../protocol/data";
import { select, setLayerVisible, uiStore, type Selection } from "../../state/ui-store";
import { h } from "../../ui/dom";
import { UrlFlags } from "../../ui/url-flags";
import { t, uiLang } from "../../ui/i18n";
import { mountAlarmBoard } from "./alarm-board";
import { cesiumCameraPort } from "./camera-port";
import { createDirector, type Director, type DirectorState } from "./director";
import { sitesPer10k, type SitesDensity } from "./kpi";
import { mountLiveBoard } from "./live-board";
import { HistoryApi } from "../../history/history-api";
import { mountPlanBoard } from "./plan-board";
import { fitTimelineToCentre, liftAboveTimeline, mountWall } from "./wall";
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
  const flags = UrlFlags.ofPage();
  const dwellMs = flags.number("dwell", 12, { min: 1, max: 600 }) * 1000;
  const idleMs = flags.number("idle", 60, { min: 2, max: 86400 }) * 1000;
  const tour = flags.enabled("tour") ? app.config.camera.tour : [];
  const res = flags.number("res", 1, { min: 0.1, max: 2 });
  const followParam = flags.string("follow");
  const severities: Severity[] =
    followParam === "none" || followParam === "0" ? [] : followParam === "major" ? ["critical", "major"] : ["critical"];
  const applyRes = () => {
    if (res !== 1) app.twin.widget.resolutionScale = res;
  };
  applyRes();
  const live = app.live;
  const cleanups: (() => void)[] = [];

  let lastTick: number | null = null;
  if (live) cleanups.push(live.onTick(() => (lastTick = Date.now())));
  const wall = mountWall(app, () => (lastTick === null ? null : Date.now() - lastTick));
  cleanups.push(() => wall.destroy());

  // ---- plan board + measured 5G density (from the sites layer and the district populations)
  const data = app.twin.data;
  let density: SitesDensity | null = null;
  const population2020 = districtPopulation2020();
  const trajectory = sitesTrajectory(data.sites.map((s) => s.commissioned));
  const districtPops = data.districts
    ? data.districts.features.map((f) => ({
        name: f.properties.name,
        nameEn: f.properties.nameEn,
        population: population2020[f.properties.name],
      }))
    : null;
  if (districtPops)
    density = sitesPer10k(
      data.sites.map((s) => s.district),
      districtPops,
      35,
    );
  // with the live feed, the measured density counts only sites in service (outage impact)
  let impact: ImpactMount | null = null;
  const plan = mountPlanBoard(wall.left, () => {
    const d = impact?.densityInService() ?? density;
    return {
      measured: d ? { "5g_sites_per_10k_people": d.per10k } : {},
      density: d,
      trajectory,
      label: impact ? t("cmd.measuredInService") : undefined,
    };
  });
  cleanups.push(plan.destroy);

  if (!live) {
    app.shell.root.dataset.modeReady = "command";
    return {
      director: createDirector({
        camera: cesiumCameraPort(app),
        getSelection: () => null,
        setSelection: () => {},
        selectObject: () => {},
        stillActive: () => false,
      }),
      resilience: installResilience(app),
      density,
      destroy: () => cleanups.forEach((c) => c()),
    };
  }
  const store = live.conn.store;

  // ---- live outage impact: footprint, tile, in-service density, outage framing for the director
  const historyApi = new HistoryApi(
    new URL(app.config.gatewayUrl || location.origin, location.href).toString(),
    sessionStorage.getItem("rongtwin.token") ?? undefined,
  );
  impact = mountImpact(app, wall.center, store, {
    districts: districtPops,
    trend: { now: () => live.conn.twinNow(), history: historyApi },
  });
  cleanups.push(impact.onChange(plan.update), impact.destroy);

  // ---- live KPIs + trends
  const board = mountLiveBoard(wall.right, store, () => app.twin.data, {
    now: () => live.conn.twinNow(),
    preload: (from, to) => historyApi.kpis(from, to, 5000),
  });
  cleanups.push(board.destroy);
  cleanups.push(wall.onLayout(board.resize));

  // ---- camera director
  const stillActive = (id: string) => {
    const a = store.getState().alarms.find((x) => x.id === id);
    return !a || (a.clearedAt === undefined && a.ackedAt === undefined);
  };
  const director = createDirector<ReturnType<ReturnType<typeof cesiumCameraPort>["save"]>, Selection>(
    {
      camera: impact.cameraPort(cesiumCameraPort(app)),
      getSelection: () => uiStore.getState().selection,
      setSelection: (s) => select(s),
      selectObject: (r) => select({ kind: "object", layer: r.layer, index: r.index }),
      stillActive,
    },
    { dwellMs, idleMs, tour, severities },
  );
  cleanups.push(director.destroy);

  // new alarms: raise events that arrive while the page is open (the initial list is history, not news)
  cleanups.push(
    live.conn.onAlarm((e) => {
      if (e.op === "raise") director.offer(e.alarm);
    }),
  );
  let prevAlarms = store.getState().alarms;
  // a raise event can be missed (a lagging socket is taken out of the alarm room and gets the list back on
  // recovery): alarms that first appear in the list while the page is open are news too; offer() merges repeats
  // (the ids of the list as last seen, not every id ever seen: a wall runs for weeks through thousands of alarms)
  let known = new Set(prevAlarms.map((a) => a.id));
  cleanups.push(
    store.subscribe((s) => {
      if (s.alarms === prevAlarms) return;
      prevAlarms = s.alarms;
      const seen = known;
      known = new Set();
      for (const a of s.alarms) {
        known.add(a.id);
        if (!seen.has(a.id) && !a.clearedAt && !a.ackedAt) director.offer(a);
      }
      director.alarmsChanged();
    }),
  );

  const alarms = mountAlarmBoard(wall.right, {
    store,
    nameOf: (a: Alarm) => app.twin.layer(a.layer)?.nameOf(a.objectIndex) ?? a.objectId,
    ack: (a) => live.conn.ack(a.id),
    choose: (a) => {
      director.input("camera");
      select({ kind: "object", layer: a.layer, index: a.objectIndex });
      void app.twin.flyToObject({ layer: a.layer, index: a.objectIndex });
    },
    following: () => director.state().current?.alarm.id ?? null,
  });
  cleanups.push(alarms.destroy);

  // ---- follow / tour status card
  const card = h("div", { class: "cmd-panel follow-card", "data-testid": "cmd-follow", "data-activity": "idle" });
  wall.center.append(card);
  let lastCardText = "";
  const renderCard = (s: DirectorState) => {
    card.dataset.activity = s.activity;
    const lang = uiLang.getState().lang;
    let text: string;
    if (s.activity === "alarm" && s.current) {
      const a = s.current.alarm;
      text = `${t("cmd.following")} · ${app.twin.layer(a.layer)?.nameOf(a.objectIndex) ?? a.objectId} · ${lang === "zh" ? a.text_zh : a.text_en}${s.current.count > 1 ? ` ×${s.current.count}` : ""}`;
      card.dataset.alarmId = a.id;
    } else if (s.activity === "returning") text = t("cmd.returning");
    else if (s.activity === "tour") {
      const v = tour[s.tourIndex];
      text = `${t("cmd.touring")} · ${v ? (lang === "zh" ? v.name_zh : v.name_en) : ""}`;
    } else text = s.tourInMs === null ? "" : `${t("cmd.tourIn")} ${Math.ceil(s.tourInMs / 1000)} s`;
    const extra =
      s.queued || s.merged || s.dropped
        ? `${t("cmd.queued")} ${s.queued} · ${t("cmd.merged")} ${s.merged} · ${t("cmd.dropped")} ${s.dropped}`
        : "";
    const full = [text, extra].filter(Boolean).join(" · ");
    if (full !== lastCardText) {
      card.textContent = full;
      lastCardText = full;
    }
    card.hidden = !full;
    if (s.activity !== "alarm") delete card.dataset.alarmId;
  };
  cleanups.push(director.subscribe(renderCard));
  renderCard(director.state());
  cleanups.push(fitTimelineToCentre(wall), liftAboveTimeline(card, wall));

  // ---- input: any pointer / key stops the tour; pointer or wheel on the globe is manual camera control
  let lastMove = 0;
  const onInput = (e: Event) => {
    if (e.type === "pointermove") {
      const now = performance.now();
      if (now - lastMove < 500) return;
      lastMove = now;
    }
    const onGlobe = e.target === app.twin.scene.canvas && e.type !== "pointermove";
    director.input(onGlobe ? "camera" : "other");
  };
  const evs = ["pointerdown", "pointermove", "wheel", "keydown", "touchstart"] as const;
  for (const ev of evs) window.addEventListener(ev, onInput, { capture: true, passive: true });
  cleanups.push(() => evs.forEach((ev) => window.removeEventListener(ev, onInput, { capture: true })));

  // ---- 24/7: rebuild on context loss / render error
  const resilience = installResilience(app, {
    onRebuilt: () => {
      applyRes();
      impact?.rebuilt();
      board.resize();
      alarms.render();
    },
  });
  cleanups.push(resilience.destroy);

  const handle: CommandHandle = {
    director,
    resilience,
    density,
    destroy: () => {
      for (const c of cleanups.splice(0).reverse()) c();
    },
  };
  if (window.__rt) {
    window.__rt.command = {
      state: () => director.state(),
      kpis: () => board.kpis(),
      density: () => density,
      rebuilds: () => resilience.history(),
      rebuild: (reason = "test") => resilience.rebuild(reason),
      layout: () => wall.layout(),
      historyLength: () => board.history.length,
      impactPrimitives: () => impact?.footprint.primitiveCount() ?? 0,
      impact: () => {
        const r = impact?.feed.latest();
        return r ? { ...r, runs: r.runs.length / 3, drawn: impact!.footprint.drawn } : null;
      },
      setLayerVisible: (id: LayerId, v: boolean) => {
        setLayerVisible(id, v);
        app.twin.layer(id)?.setVisible(v);
      },
      select: (layer: LayerId, index: number) => select({ kind: "object", layer, index }),
      selection: () => uiStore.getState().selection,
      destroy: handle.destroy,
    };
  }
  app.shell.root.dataset.modeReady = "command";
  return handle;
}
