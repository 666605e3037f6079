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
  const minInterval = opts.minIntervalMs ?? 5000;
  const records: RebuildRecord[] = [];
  let detach: (() => void) | null = null;
  let rebuilding: Promise<void> | null = null;
  let lastRebuild = -Infinity;
  let destroyed = false;
  let deferred: ReturnType<typeof setTimeout> | null = null;

  const watch = (twin: Twin) => {
    const canvas = twin.scene.canvas;
    const onLost = () => schedule("webgl-context-lost");
    const onError = (_s: Scene, err: unknown) => {
      // a lost context usually shows up first as a render error (the contextlost event is queued as a task)
      const gl = canvas.getContext("webgl2") ?? canvas.getContext("webgl");
      const lost = !!gl && gl.isContextLost();
      if (!lost) console.error("render error; rebuilding the scene", err);
      schedule(lost ? "webgl-context-lost" : "render-error");
    };
    canvas.addEventListener("webglcontextlost", onLost);
    const unErr = twin.scene.renderError.addEventListener(onError);
    detach = () => {
      canvas.removeEventListener("webglcontextlost", onLost);
      unErr();
    };
  };

  const schedule = (reason: string) => {
    if (destroyed || rebuilding || deferred) return;
    const wait = Math.max(0, lastRebuild + minInterval - performance.now());
    deferred = setTimeout(() => {
      deferred = null;
      void rebuild(reason);
    }, wait);
  };

  async function rebuild(reason: string): Promise<void> {
    if (rebuilding) return rebuilding;
    rebuilding = (async () => {
      const t0 = performance.now();
      const old = app.twin;
      const pose = savePose(old.scene);
      const sel = uiStore.getState().selection;
      const msaaSamples = old.scene.msaaSamples;
      detach?.();
      detach = null;
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
      watch(next);
      next.scene.requestRender();
      lastRebuild = performance.now();
      records.push({ at: Date.now(), reason, ms: Math.round(lastRebuild - t0) });
      if (records.length > 50) records.shift();
      console.warn(`scene rebuilt after ${reason} in ${Math.round(lastRebuild - t0)} ms`);
      opts.onRebuilt?.(next, reason);
    })().finally(() => {
      rebuilding = null;
    });
    return rebuilding;
  }

  watch(app.twin);
  const dog = setInterval(() => {
    if (destroyed || rebuilding || document.visibilityState !== "visible") return;
    const w = app.twin.widget;
    if (!w.isDestroyed() && !w.useDefaultRenderLoop) schedule("render-loop-stopped");
  }, opts.watchdogMs ?? 10_000);

  return {
    rebuild,
    history: () => records,
    destroy() {
      destroyed = true;
      clearInterval(dog);
      if (deferred) clearTimeout(deferred);
      detach?.();
    },
  };
}
