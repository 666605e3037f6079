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
 * - Unattended all day: a lost WebGL context or a render error rebuilds the scene (src/app/resilience.ts) with the
 *   chapter's layers, the camera and the fence; the loop goes on.
 *
 * Units: attract.ts (the loop and its idle timer), story.ts (the chapters), caption.ts (the caption card), bar.ts
 * (the buttons), layers.ts (what is shown), language.ts (the language switch), figures.ts (live and measured
 * figures), touch.ts (the hardening); the Kiosk class below wires them and owns their lifecycle.
 *
 * Test hook: window.__rt.kiosk.state() -> { mode, chapter, autoChanges, starts, lang, title }; rebuilds().
 */
import { installResilience, type App, type Resilience } from "../../app/mode-api";
import { flyToView } from "../../scene/camera";
import { LandFence } from "../../scene/land-fence";
import { TargetFence } from "../../scene/target-fence";
import { select } from "../../state/ui-store";
import { h } from "../../ui/dom";
import { t } from "../../ui/i18n";
import { UrlFlags } from "../../ui/url-flags";
import { inspectController } from "../../inspect";
import { AttractLoop, secondsFlag, type AttractState } from "./attract";
import { KioskBar } from "./bar";
import { KioskCaption } from "./caption";
import { KioskLanguage } from "./language";
import { KioskLayers } from "./layers";
import { CHAPTERS, type Chapter } from "./story";
import { hardenTouch } from "./touch";
import "./kiosk.css";

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
  new Kiosk(app).start();
}

/** the kiosk's times in seconds: idle reset, chapter dwell, camera flight (URL-overridable) */
interface KioskTimes {
  idleS: number;
  dwellS: number;
  flyS: number;
}

type Transition = { t: number; mode: AttractState["mode"]; chapter: number; autoChanges: number };

/** what counts as a visitor's activity (listened to in the capture phase, before the target's own handler) */
const ACTIVITY = ["pointerdown", "touchstart", "keydown", "wheel"] as const;
const ACTIVITY_OPTS: AddEventListenerOptions = { capture: true, passive: true };

/**
 * The kiosk's lifecycle: the constructor builds its units (caption, button bar, layers, language, the attract loop
 * with its idle timer) and its DOM; `start` hardens the page, shows the UI, fences the map, installs the scene's
 * rebuild on context loss, listens for activity, language changes and live ticks, and starts the loop; `destroy` (on
 * pagehide) stops the loop, the fence and the rebuild watch and undoes every listener, timer and subscription.
 */
class Kiosk {
  private readonly times: KioskTimes;
  private readonly language = new KioskLanguage();
  private readonly layers: KioskLayers;
  private readonly caption: KioskCaption;
  private readonly bar: KioskBar;
  private readonly hint = h("div", { class: "kiosk-hint", "data-testid": "kiosk-hint" });
  private readonly offline = h("div", {
    class: "kiosk-offline",
    "data-testid": "kiosk-offline",
    role: "status",
    hidden: true,
  });
  private readonly ui: HTMLElement;
  private fence: TargetFence | null = null;
  private resilience: Resilience | null = null;
  private readonly loop: AttractLoop;
  /** transitions with timestamps, for tests and diagnostics (bounded) */
  private readonly history: Transition[] = [];
  private current: Chapter = CHAPTERS[0];
  private readonly offs: Array<() => void> = [];

  constructor(private readonly app: App) {
    const flags = UrlFlags.ofPage();
    this.times = {
      idleS: secondsFlag(flags, "idle", 90, 3, 3600),
      dwellS: secondsFlag(flags, "chapter", 20, 3, 600),
      flyS: secondsFlag(flags, "fly", 4, 0.5, 30),
    };
    this.layers = new KioskLayers(() => app.twin);
    this.caption = new KioskCaption(app, this.times.dwellS);
    this.bar = new KioskBar({
      chooseChapter: (i) => this.loop.choose(i),
      toggleLayer: (id) => {
        this.layers.toggle(id);
        this.renderChrome();
      },
      toggleLanguage: () => this.language.toggle(),
      play: () => this.loop.start(),
    });
    this.ui = h(
      "div",
      { class: "kiosk-ui", "data-testid": "kiosk" },
      this.caption.root,
      this.hint,
      this.offline,
      this.bar.root,
    );
    this.loop = new AttractLoop({
      chapters: CHAPTERS.length,
      dwellMs: this.times.dwellS * 1000,
      idleMs: this.times.idleS * 1000,
      show: (i, auto) => this.show(i, auto),
      reset: () => this.reset(),
      onChange: (s) => this.onChange(s),
    });
  }

  start(): void {
    const { shell } = this.app;
    this.offs.push(hardenTouch(shell.root));
    shell.root.append(this.ui);
    this.fence = this.createFence();
    const resilience = installResilience(this.app, { onRebuilt: () => this.onRebuilt() });
    this.resilience = resilience;
    this.offs.push(resilience.destroy);
    this.listen(window, "pagehide", () => this.destroy());
    // destroy took the UI down: a page the browser restores from its back/forward cache starts afresh instead of
    // coming back blank (kept outside `offs`, since it must outlive destroy)
    window.addEventListener("pageshow", (e) => {
      if (e.persisted) location.reload();
    });
    for (const type of ACTIVITY) this.listen(window, type, this.activity, ACTIVITY_OPTS);
    this.offs.push(
      this.language.subscribe(() => {
        this.renderCaption();
        this.renderChrome();
      }),
    );
    const liveTimer = setInterval(() => this.tickLive(), 2000);
    this.offs.push(() => clearInterval(liveTimer));
    this.installHook();
    this.loop.start();
    shell.root.dataset.modeReady = "kiosk";
  }

  /** stops the loop, its idle timer and the live timer; removes every listener and subscription, the fence and the UI */
  destroy(): void {
    this.loop.destroy();
    this.fence?.destroy();
    this.fence = null;
    for (const off of this.offs.splice(0)) off();
    this.ui.remove();
  }

  // ------------------------------------------------------------------ chapters

  /** present chapter i; `auto`: the attract loop plays it (and closes what a visitor left open) */
  private show(i: number, auto: boolean): void {
    const { twin } = this.app;
    this.current = CHAPTERS[i];
    if (auto) {
      select(null);
      inspectController()?.close();
    }
    this.layers.showChapter(this.current);
    this.renderCaption();
    this.renderChrome();
    this.caption.restartProgress(auto);
    void flyToView(twin.scene.camera, this.current.view, this.times.flyS);
    twin.scene.requestRender();
  }

  /** back to the defaults after the idle time: no drill-down or selection, every layer, the page's language */
  private reset(): void {
    inspectController()?.close();
    select(null);
    this.app.twin.scene.camera.cancelFlight();
    this.layers.showAll();
    this.language.reset();
  }

  private onChange(s: AttractState): void {
    this.history.push({ t: Date.now(), mode: s.mode, chapter: s.chapter, autoChanges: s.autoChanges });
    if (this.history.length > 200) this.history.shift();
    this.app.shell.root.dataset.kiosk = s.mode;
    this.ui.dataset.mode = s.mode;
    this.hint.hidden = s.mode !== "attract";
    if (s.mode === "explore") this.caption.restartProgress(false);
    this.renderChrome();
  }

  private readonly activity = (): void => this.loop.activity();

  // ------------------------------------------------------------------ rendering

  private renderCaption(): void {
    this.caption.render(this.current, this.language.current());
  }

  /** the button bar, the touch hint and the offline badge's text */
  private renderChrome(): void {
    this.bar.render(this.language.current(), this.loop.state.chapter, (id) => this.layers.isVisible(id));
    this.hint.textContent = `${t("kiosk.touch", "zh")} · ${t("kiosk.touch", "en")}`;
    this.offline.textContent = `● ${t("kiosk.offline")}`;
  }

  /** every 2 s: the live figure, and the offline badge once the gateway has been away for 3 s */
  private tickLive(): void {
    this.caption.renderLive(this.current, this.language.current());
    const c = this.app.live?.conn.store.getState().connection;
    this.offline.hidden = !c || c.state === "connected" || Date.now() - c.since < 3000;
  }

  // ------------------------------------------------------------------ wiring

  /** the scene was rebuilt (lost WebGL context, render error): the chosen layers and the fence on the new one */
  private onRebuilt(): void {
    this.layers.reapply();
    this.fence?.destroy();
    this.fence = this.createFence();
  }

  /** drags and flicks keep the ground at the centre of the map's visible part over Fuzhou's land or near coast */
  private createFence(): TargetFence | null {
    const { twin } = this.app;
    if (!twin.data.districts) return null;
    return new TargetFence(twin.scene, LandFence.ofDistricts(twin.data.districts), () =>
      visibleMapCentre(twin.scene.canvas, this.caption.root, this.bar.root),
    );
  }

  private listen(target: Window, type: string, fn: () => void, opts?: AddEventListenerOptions): void {
    target.addEventListener(type, fn, opts);
    this.offs.push(() => target.removeEventListener(type, fn, opts));
  }

  /** window.__rt.kiosk: state, times, transitions and the fence, for tests and diagnostics */
  private installHook(): void {
    if (!window.__rt) return;
    const { loop, times } = this;
    window.__rt.kiosk = {
      state: () => ({
        ...loop.state,
        lang: this.language.current(),
        title: this.caption.titleText(),
        chapterId: this.current.id,
        offline: !this.offline.hidden,
      }),
      times: { ...times },
      history: () => this.history.slice(),
      fence: () => (this.fence ? { target: this.fence.target(), corrections: this.fence.corrections } : null),
      rebuilds: () => this.resilience?.history().slice() ?? [],
    };
  }
}
