/**
 * 24/7 hardening for screens nobody touches: a lost WebGL context (canvas `webglcontextlost`, cesium #5991), a
 * render error (Cesium stops its render loop, `scene.renderError`) or a render loop found stopped by the watchdog
 * rebuilds the twin from the data already in memory: the old widget is destroyed (its context released), a new one
 * is created in the same container, the live binding re-attaches and recolours every point, and the camera pose and
 * selection are put back. Layer and building visibility live in the ui store, so the new twin starts with them.
 */
import { Cartesian3, type Scene } from "cesium";
import type { App } from "./types";
import { createTwin, type Twin } from "./twin";
import { select, uiStore } from "../state/ui-store";

export interface ResilienceOptions {
  /** called after each rebuild with the new twin (modes re-attach their own scene objects here) */
  onRebuilt?(twin: Twin, reason: string): void;
  /** rebuilds closer together than this are deferred (a crash loop must not spin the CPU) */
  minIntervalMs?: number;
  /** how often the watchdog checks that the render loop still runs */
  watchdogMs?: number;
}

export interface RebuildRecord {
  at: number;
  reason: string;
  ms: number;
}

export interface Resilience {
  rebuild(reason: string): Promise<void>;
  history(): readonly RebuildRecord[];
  destroy(): void;
}

interface Pose {
  position: Cartesian3;
  heading: number;
  pitch: number;
  roll: number;
}

const savePose = (scene: Scene): Pose => ({
  position: Cartesian3.clone(scene.camera.positionWC),
  heading: scene.camera.heading,
  pitch: scene.camera.pitch,
  roll: scene.camera.roll,
});

export function installResilience(app: App, opts: ResilienceOptions = {}): Resilience {
  return new SceneResilience(app, opts);
}

/**
 * Watches the current twin's canvas (context loss) and scene (render errors) and a render-loop watchdog; `rebuild`
 * swaps in a new twin; `destroy` stops the watchdog and any deferred rebuild and drops the listeners.
 */
class SceneResilience implements Resilience {
  private readonly minInterval: number;
  private readonly records: RebuildRecord[] = [];
  private detach: (() => void) | null = null;
  private rebuilding: Promise<void> | null = null;
  private lastRebuild = -Infinity;
  private destroyed = false;
  private deferred: ReturnType<typeof setTimeout> | null = null;
  private readonly dog: ReturnType<typeof setInterval>;

  constructor(
    private readonly app: App,
    private readonly opts: ResilienceOptions,
  ) {
    this.minInterval = opts.minIntervalMs ?? 5000;
    this.watch(app.twin);
    this.dog = setInterval(() => this.checkRenderLoop(), opts.watchdogMs ?? 10_000);
  }

  readonly history = (): readonly RebuildRecord[] => this.records;

  readonly rebuild = (reason: string): Promise<void> => {
    if (this.rebuilding) return this.rebuilding;
    this.rebuilding = this.swapTwin(reason).finally(() => {
      this.rebuilding = null;
    });
    return this.rebuilding;
  };

  readonly destroy = (): void => {
    this.destroyed = true;
    clearInterval(this.dog);
    if (this.deferred) clearTimeout(this.deferred);
    this.detach?.();
  };

  private watch(twin: Twin): void {
    const canvas = twin.scene.canvas;
    const onLost = () => this.schedule("webgl-context-lost");
    const onError = (_s: Scene, err: unknown) => {
      // a lost context usually shows up first as a render error (the contextlost event is queued as a task)
      const gl = canvas.getContext("webgl2") ?? canvas.getContext("webgl");
      const lost = !!gl && gl.isContextLost();
      if (!lost) console.error("render error; rebuilding the scene", err);
      this.schedule(lost ? "webgl-context-lost" : "render-error");
    };
    canvas.addEventListener("webglcontextlost", onLost);
    const unErr = twin.scene.renderError.addEventListener(onError);
    this.detach = () => {
      canvas.removeEventListener("webglcontextlost", onLost);
      unErr();
    };
  }

  /** rebuilds closer together than minInterval wait (a crash loop must not spin the CPU) */
  private schedule(reason: string): void {
    if (this.destroyed || this.rebuilding || this.deferred) return;
    const wait = Math.max(0, this.lastRebuild + this.minInterval - performance.now());
    this.deferred = setTimeout(() => {
      this.deferred = null;
      void this.rebuild(reason);
    }, wait);
  }

  private checkRenderLoop(): void {
    if (this.destroyed || this.rebuilding || document.visibilityState !== "visible") return;
    const w = this.app.twin.widget;
    if (!w.isDestroyed() && !w.useDefaultRenderLoop) this.schedule("render-loop-stopped");
  }

  private async swapTwin(reason: string): Promise<void> {
    const { app } = this;
    const t0 = performance.now();
    const old = app.twin;
    const pose = savePose(old.scene);
    const sel = uiStore.getState().selection;
    const msaaSamples = old.scene.msaaSamples;
    this.detach?.();
    this.detach = null;
    try {
      old.destroy();
    } catch (e) {
      console.warn(`destroying the old scene failed (continuing): ${(e as Error)?.message ?? e}`);
    }
    const next = createTwin({ container: app.shell.globe, config: app.config, data: old.data, msaaSamples });
    app.twin = next;
    next.scene.camera.setView({
      destination: pose.position,
      orientation: { heading: pose.heading, pitch: pose.pitch, roll: pose.roll },
    });
    app.live?.attach(next);
    select(sel);
    this.watch(next);
    next.scene.requestRender();
    this.lastRebuild = performance.now();
    const ms = Math.round(this.lastRebuild - t0);
    this.records.push({ at: Date.now(), reason, ms });
    if (this.records.length > 50) this.records.shift();
    console.warn(`scene rebuilt after ${reason} in ${ms} ms`);
    this.opts.onRebuilt?.(next, reason);
  }
}
