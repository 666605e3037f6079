/**
 * Kiosk mode (?mode=kiosk): the exhibition touch screen.
 *
 * - Attract loop while nobody touches the screen: the plan's story in chapters (story.ts), each flying the camera,
 *   showing only the layers it is about, with bilingual captions, plan figures and one live figure.
 * - A touch stops the loop; big buttons per chapter and per layer, a language toggle, "play the tour".
 * - After `idle` seconds without a touch everything resets (layers, selection, drill-down, language) and the loop
 *   restarts. URL overrides for tests and installers: ?idle=90 (s), ?chapter=20 (s per chapter), ?fly=4 (s per flight).
 * - Touch-hardened: no context menu, no browser pinch-zoom / overscroll / double-tap zoom / text selection; every
 *   target at least 64 px. The story does not depend on the gateway: it plays on the last known (or sample) state and
 *   a discreet badge says the gateway is offline.
 *
 * Test hook: window.__rt.kiosk.state() -> { mode, chapter, autoChanges, starts, lang, title }.
 */
import { POPULATION_SOURCE, sitesTrajectory } from "../../protocol/population";
import type { App } from "../../app/mode-api";
import { flyToView } from "../../scene/camera";
import { LandFence } from "../../scene/land-fence";
import { TargetFence } from "../../scene/target-fence";
import type { LayerId } from "../../protocol/data";
import { LAYER_IDS } from "../../protocol/data";
import { STATUS } from "../../protocol/live";
import { select } from "../../state/ui-store";
import { clear, h } from "../../ui/dom";
import { setLang, t, uiLang, type Lang } from "../../ui/i18n";
import { inspectController } from "../../inspect";
import { AttractLoop, secondsFlag, type AttractState } from "./attract";
import { UrlFlags } from "../../ui/url-flags";
import { CHAPTERS, LIVE_LABELS, PLAN_SOURCE, type Chapter, type LiveFigureId } from "./story";
import "./kiosk.css";

const other = (l: Lang): Lang => (l === "zh" ? "en" : "zh");
const langAttr = (l: Lang) => (l === "zh" ? "zh-CN" : "en");

/** Block the browser gestures a public touch screen must not allow; returns a remover. */
export function hardenTouch(root: HTMLElement): () => void {
  const offs: Array<() => void> = [];
  const on = <K extends keyof WindowEventMap>(
    target: Window | Document,
    type: K | string,
    fn: (e: Event) => void,
    opts: AddEventListenerOptions = { passive: false, capture: true },
  ) => {
    target.addEventListener(type, fn, opts);
    offs.push(() => target.removeEventListener(type, fn, opts));
  };
  const prevent = (e: Event) => e.preventDefault();
  on(document, "contextmenu", prevent);
  on(document, "selectstart", prevent);
  on(document, "dragstart", prevent);
  on(document, "dblclick", prevent);
  for (const g of ["gesturestart", "gesturechange", "gestureend"]) on(document, g, prevent);
  // trackpad pinch arrives as ctrl+wheel; keyboard zoom as ctrl +/-/0
  on(window, "wheel", (e) => (e as WheelEvent).ctrlKey && e.preventDefault());
  on(window, "keydown", (e) => {
    const k = e as KeyboardEvent;
    if ((k.ctrlKey || k.metaKey) && ["+", "-", "=", "0", "_"].includes(k.key)) k.preventDefault();
  });
  // multi-finger gestures outside the globe canvas (the globe handles its own pinch as camera zoom)
  const multi = (e: Event) => {
    const te = e as TouchEvent;
    if (te.touches.length > 1 && !(te.target instanceof HTMLCanvasElement)) te.preventDefault();
  };
  on(document, "touchstart", multi);
  on(document, "touchmove", multi);
  root.classList.add("kiosk-hardened");
  document.documentElement.classList.add("kiosk-doc");
  return () => {
    for (const f of offs) f();
    root.classList.remove("kiosk-hardened");
    document.documentElement.classList.remove("kiosk-doc");
  };
}

export function liveFigure(app: App, id: LiveFigureId): string {
  const s = app.live?.conn.store.getState();
  if (!s) return "—";
  const mean = (layer: LayerId, metric: string): number | null => {
    const L = s.layers[layer];
    const col = L?.ready ? L.metrics[metric] : undefined;
    if (!L || !col || !col.length) return null;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < col.length; i++)
      if (L.status[i] !== STATUS.unknown) {
        sum += col[i];
        n++;
      }
    return n ? sum / n : null;
  };
  switch (id) {
    case "siteLoad": {
      const v = mean("sites", "load");
      return v === null ? "—" : `${Math.round(v * 100)}%`;
    }
    case "dcPue": {
      const v = mean("datacentres", "pue");
      return v === null ? "—" : v.toFixed(2);
    }
    case "speed": {
      const v = mean("sensors", "speedKmh");
      return v === null ? "—" : v.toFixed(1);
    }
    case "charging": {
      const L = s.layers.chargers;
      if (!L?.ready) return "—";
      let sum = 0;
      const col = L.metrics.charging;
      for (let i = 0; i < col.length; i++) if (L.status[i] !== STATUS.unknown) sum += col[i];
      return Math.round(sum).toLocaleString("en-US");
    }
    case "online": {
      let up = 0;
      let all = 0;
      for (const id2 of LAYER_IDS) {
        const L = s.layers[id2];
        if (!L?.ready) continue;
        all += L.status.length;
        for (let i = 0; i < L.status.length; i++) if (L.status[i] <= 1) up++;
      }
      return all ? `${up.toLocaleString("en-US")} / ${all.toLocaleString("en-US")}` : "—";
    }
  }
}

/**
 * The centre of the part of the map no panel covers: below the caption when it spans the screen's width (portrait),
 * right of it when it is a side card (landscape), above the button bar.
 */
export function visibleMapCentre(
  canvas: HTMLCanvasElement,
  caption: HTMLElement,
  bar: HTMLElement,
): { x: number; y: number } {
  const c = canvas.getBoundingClientRect();
  const cap = caption.getBoundingClientRect();
  const b = bar.getBoundingClientRect();
  let left = c.left;
  let top = c.top;
  const bottom = b.height > 0 ? Math.min(c.bottom, b.top) : c.bottom;
  if (cap.width > 0 && cap.height > 0) {
    if (cap.width > c.width * 0.6) top = Math.max(top, cap.bottom);
    else left = Math.max(left, cap.right);
  }
  if (bottom - top < 80 || c.right - left < 80) return { x: c.width / 2, y: c.height / 2 };
  return { x: (left + c.right) / 2 - c.left, y: (top + bottom) / 2 - c.top };
}

export function startKiosk(app: App): void {
  const { twin, shell } = app;
  const flags = UrlFlags.ofPage();
  const idleS = secondsFlag(flags, "idle", 90, 3, 3600);
  const dwellS = secondsFlag(flags, "chapter", 20, 3, 600);
  const flyS = secondsFlag(flags, "fly", 4, 0.5, 30);
  const defaultLang = uiLang.getState().lang;
  hardenTouch(shell.root);

  // ------------------------------------------------------------------ DOM
  const step = h("div", { class: "kiosk-step", "data-testid": "kiosk-step" });
  const title = h("h2", { class: "kiosk-title", "data-testid": "kiosk-caption-title" });
  const titleAlt = h("div", { class: "kiosk-title-alt", "data-testid": "kiosk-caption-alt" });
  const text = h("p", { class: "kiosk-text", "data-testid": "kiosk-caption-text" });
  const figures = h("div", { class: "kiosk-figures" });
  const live = h("div", { class: "kiosk-live", "data-testid": "kiosk-live" });
  const source = h("div", { class: "kiosk-source" });
  const bar = h("span", { class: "kiosk-progress-bar" });
  const progress = h("div", { class: "kiosk-progress" }, bar);
  const caption = h(
    "section",
    // focusable: on a small portrait screen the caption scrolls, and a scrolling region must be reachable by keyboard
    { class: "kiosk-caption", "data-testid": "kiosk-caption", "aria-live": "polite", tabindex: 0 },
    step,
    title,
    titleAlt,
    text,
    figures,
    live,
    source,
    progress,
  );
  const hint = h("div", { class: "kiosk-hint", "data-testid": "kiosk-hint" });
  const offline = h("div", { class: "kiosk-offline", "data-testid": "kiosk-offline", role: "status", hidden: true });

  const chapterBtns = CHAPTERS.map((c, i) =>
    h("button", {
      type: "button",
      class: "kiosk-btn kiosk-chapter",
      "data-chapter": c.id,
      "data-testid": `kiosk-chapter-${c.id}`,
      onclick: () => loop.choose(i),
    }),
  );
  const layerBtns = new Map<LayerId | "buildings", HTMLButtonElement>();
  for (const id of [...LAYER_IDS, "buildings"] as const) {
    layerBtns.set(
      id,
      h("button", {
        type: "button",
        class: "kiosk-btn kiosk-layer",
        "data-layer": id,
        "data-testid": `kiosk-layer-${id}`,
        onclick: () => toggleLayer(id),
      }),
    );
  }
  const langBtn = h("button", {
    type: "button",
    class: "kiosk-btn kiosk-lang",
    "data-testid": "kiosk-lang",
    onclick: () => setLang(other(uiLang.getState().lang)),
  });
  const playBtn = h("button", {
    type: "button",
    class: "kiosk-btn kiosk-play",
    "data-testid": "kiosk-play",
    onclick: () => loop.start(),
  });
  const chaptersLabel = h("span", { class: "kiosk-group-label" });
  const layersLabel = h("span", { class: "kiosk-group-label" });
  const nav = h(
    "nav",
    { class: "kiosk-bar", "data-testid": "kiosk-bar" },
    h("div", { class: "kiosk-group" }, chaptersLabel, ...chapterBtns),
    h("div", { class: "kiosk-group" }, layersLabel, ...layerBtns.values()),
    h("div", { class: "kiosk-group kiosk-end" }, langBtn, playBtn),
  );
  const ui = h("div", { class: "kiosk-ui", "data-testid": "kiosk" }, caption, hint, offline, nav);
  shell.root.append(ui);
  // drags and flicks keep the ground at the centre of the map's visible part over Fuzhou's land or near coast
  const fence = twin.data.districts
    ? new TargetFence(twin.scene, LandFence.ofDistricts(twin.data.districts), () =>
        visibleMapCentre(twin.scene.canvas, caption, nav),
      )
    : null;

  // ------------------------------------------------------------------ behaviour
  let current: Chapter = CHAPTERS[0];

  const setLayer = (id: LayerId | "buildings", v: boolean) => {
    if (id === "buildings") {
      if (twin.buildings) twin.buildings.show = v;
    } else twin.layer(id)?.setVisible(v);
  };
  const isVisible = (id: LayerId | "buildings") =>
    id === "buildings" ? (twin.buildings?.show ?? true) : (twin.layer(id)?.visible ?? false);
  const toggleLayer = (id: LayerId | "buildings") => {
    setLayer(id, !isVisible(id));
    renderButtons();
    twin.scene.requestRender();
  };

  const renderButtons = () => {
    const lang = uiLang.getState().lang;
    chapterBtns.forEach((b, i) => {
      b.textContent = CHAPTERS[i].short[lang];
      b.setAttribute("aria-pressed", String(loop.state.chapter === i));
    });
    for (const [id, b] of layerBtns) {
      b.textContent = id === "buildings" ? t("buildings") : t(`layer.${id}`);
      b.setAttribute("aria-pressed", String(isVisible(id)));
    }
    chaptersLabel.textContent = t("kiosk.chapters");
    layersLabel.textContent = t("kiosk.layers");
    langBtn.textContent = t("kiosk.lang");
    langBtn.setAttribute("aria-label", `${t("kiosk.lang")} (${t("languageLabel")})`);
    playBtn.textContent = `▶ ${t("kiosk.play")}`;
    hint.textContent = `${t("kiosk.touch", "zh")} · ${t("kiosk.touch", "en")}`;
    offline.textContent = `● ${t("kiosk.offline")}`;
  };

  const renderLive = () => {
    const lang = uiLang.getState().lang;
    const v = liveFigure(app, current.live);
    live.dataset.empty = String(v === "—");
    live.replaceChildren(
      h("span", { class: "kiosk-live-dot" }),
      `${t("kiosk.live")} · ${LIVE_LABELS[current.live][lang]}：`,
      h("b", { "data-live": current.live }, v),
    );
  };

  // 5G sites per 10,000 people at each year-end, from the sample sites' commissioning dates, beside the plan
  const trajectory = sitesTrajectory(app.twin.data.sites.map((s) => s.commissioned));
  const PLAN = [18.6, 28, 32];
  const trajectoryFigure = (lang: "zh" | "en") =>
    h(
      "div",
      { class: "kiosk-figure kiosk-trajectory", "data-testid": "kiosk-trajectory" },
      h(
        "div",
        { class: "kiosk-figure-value" },
        trajectory.map((p, i) => `${p.year}: ${p.per10k.toFixed(1)} / ${PLAN[i]}`).join(" · "),
      ),
      h(
        "div",
        { class: "kiosk-figure-label" },
        lang === "zh"
          ? "每万人5G基站 年末实测（示例数据）/ 规划；2025年目标35"
          : "5G sites per 10k people, year-end measured (sample data) / plan; 2025 target 35",
      ),
      h("div", { class: "kiosk-figure-label" }, POPULATION_SOURCE[lang]),
    );

  const renderCaption = () => {
    const lang = uiLang.getState().lang;
    const alt = other(lang);
    const i = CHAPTERS.indexOf(current);
    caption.dataset.chapter = current.id;
    step.textContent = `${String(i + 1).padStart(2, "0")} / ${String(CHAPTERS.length).padStart(2, "0")}`;
    title.textContent = current.title[lang];
    title.lang = langAttr(lang);
    titleAlt.textContent = current.title[alt];
    titleAlt.lang = langAttr(alt);
    text.textContent = current.caption[lang];
    text.lang = langAttr(lang);
    clear(figures);
    for (const f of current.figures) {
      figures.append(
        h(
          "div",
          { class: "kiosk-figure" },
          h("div", { class: "kiosk-figure-value" }, f.value, f.unit[lang] ? h("small", {}, ` ${f.unit[lang]}`) : null),
          h("div", { class: "kiosk-figure-label" }, f.label[lang]),
        ),
      );
    }
    if (current.id === "networks") figures.append(trajectoryFigure(lang));
    source.textContent = `${t("kiosk.source")}：${PLAN_SOURCE[lang]}`;
    renderLive();
  };

  const restartProgress = (auto: boolean) => {
    progress.hidden = !auto;
    bar.style.animation = "none";
    void bar.offsetWidth; // restart the CSS animation
    bar.style.animation = auto ? `kiosk-progress ${dwellS}s linear forwards` : "none";
  };

  const show = (i: number, auto: boolean) => {
    current = CHAPTERS[i];
    if (auto) {
      select(null);
      inspectController()?.close();
    }
    for (const id of LAYER_IDS) setLayer(id, current.layers.includes(id));
    setLayer("buildings", current.buildings);
    renderCaption();
    renderButtons();
    restartProgress(auto);
    void flyToView(twin.scene.camera, current.view, flyS);
    twin.scene.requestRender();
  };

  const reset = () => {
    inspectController()?.close();
    select(null);
    twin.scene.camera.cancelFlight();
    for (const id of LAYER_IDS) setLayer(id, true);
    setLayer("buildings", true);
    if (uiLang.getState().lang !== defaultLang) setLang(defaultLang);
  };

  /** transitions with timestamps, for tests and diagnostics (bounded) */
  const history: Array<{ t: number; mode: AttractState["mode"]; chapter: number; autoChanges: number }> = [];
  const onChange = (s: AttractState) => {
    history.push({ t: Date.now(), mode: s.mode, chapter: s.chapter, autoChanges: s.autoChanges });
    if (history.length > 200) history.shift();
    shell.root.dataset.kiosk = s.mode;
    ui.dataset.mode = s.mode;
    hint.hidden = s.mode !== "attract";
    if (s.mode === "explore") restartProgress(false);
    renderButtons();
  };

  const loop = new AttractLoop({
    chapters: CHAPTERS.length,
    dwellMs: dwellS * 1000,
    idleMs: idleS * 1000,
    show,
    reset,
    onChange,
  });

  // any touch / click / key / wheel counts as activity (capture: before the target's own handler runs)
  const activity = () => loop.activity();
  for (const type of ["pointerdown", "touchstart", "keydown", "wheel"])
    window.addEventListener(type, activity, { capture: true, passive: true });

  uiLang.subscribe(() => {
    renderCaption();
    renderButtons();
  });
  const liveTimer = setInterval(() => {
    renderLive();
    const c = app.live?.conn.store.getState().connection;
    offline.hidden = !c || c.state === "connected" || Date.now() - c.since < 3000;
  }, 2000);
  void liveTimer;

  window.addEventListener("pagehide", () => {
    loop.destroy();
    fence?.destroy();
  });
  if (window.__rt) {
    window.__rt.kiosk = {
      state: () => ({
        ...loop.state,
        lang: uiLang.getState().lang,
        title: title.textContent,
        chapterId: current.id,
        offline: !offline.hidden,
      }),
      times: { idleS, dwellS, flyS },
      history: () => history.slice(),
      fence: () => (fence ? { target: fence.target(), corrections: fence.corrections } : null),
    };
  }
  loop.start();
  shell.root.dataset.modeReady = "kiosk";
}
