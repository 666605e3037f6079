/**
 * `window.__rt`: a small, read-mostly diagnostic surface used by the e2e tests (and handy in the console):
 * readiness, layer counts, the screen position of an object, primitive counts for leak checks.
 */
import { Cartesian3, SceneTransforms } from "cesium";
import type { App } from "./types";
import type { LiveBinding } from "./live-wiring";
import { setView } from "../scene/camera";
import type { LayerId } from "../protocol/data";

export interface RtHooks {
  ready: Promise<void>;
  isReady(): boolean;
  mode: string;
  counts(): Record<string, number>;
  screenPosition(layer: LayerId, index: number): { x: number; y: number } | null;
  indexOf(layer: LayerId, id: string): number;
  cameraState(): { lon: number; lat: number; height: number; heading: number; pitch: number };
  primitiveCount(): number;
  requestRender(): void;
  /** put the camera over a point at once (no flight) */
  lookAt(lon: number, lat: number, range: number, pitchDeg?: number): void;
  app: App;
}

declare global {
  interface Window {
    __rt?: RtHooks & Record<string, unknown>;
  }
}

function countPrimitives(coll: { length: number; get(i: number): unknown }): number {
  let n = 0;
  for (let i = 0; i < coll.length; i++) {
    const p = coll.get(i) as { length?: number; get?: unknown };
    n +=
      typeof p.length === "number" && typeof p.get === "function"
        ? 1 + countPrimitives(p as { length: number; get(i: number): unknown })
        : 1;
  }
  return n;
}

export function exposeTestHooks(app: App): { markReady(): void; attachLive(live: LiveBinding): void } {
  let resolveReady: () => void = () => {};
  let ready = false;
  const readyP = new Promise<void>((r) => (resolveReady = r));
  const hooks: RtHooks = {
    ready: readyP,
    isReady: () => ready,
    mode: app.mode,
    app,
    counts: () => Object.fromEntries(app.twin.layers.map((l) => [l.id, l.count])),
    screenPosition(layer, index) {
      const l = app.twin.layer(layer);
      if (!l) return null;
      const p = l.position(index);
      const w = SceneTransforms.worldToWindowCoordinates(
        app.twin.scene,
        Cartesian3.fromDegrees(p.lon, p.lat, p.height),
      );
      return w ? { x: w.x, y: w.y } : null;
    },
    indexOf(layer, id) {
      const l = app.twin.layer(layer);
      if (!l) return -1;
      for (let i = 0; i < l.count; i++) if (l.idOf(i) === id) return i;
      return -1;
    },
    cameraState() {
      const c = app.twin.scene.camera.positionCartographic;
      const cam = app.twin.scene.camera;
      return {
        lon: (c.longitude * 180) / Math.PI,
        lat: (c.latitude * 180) / Math.PI,
        height: c.height,
        heading: cam.heading,
        pitch: cam.pitch,
      };
    },
    primitiveCount: () => countPrimitives(app.twin.scene.primitives),
    requestRender: () => app.twin.scene.requestRender(),
    lookAt(lon, lat, range, pitchDeg = -89.9) {
      setView(app.twin.scene.camera, {
        id: "t",
        name_zh: "",
        name_en: "",
        lon,
        lat,
        range,
        heading: 0,
        pitch: pitchDeg,
        dwellS: 1,
      });
      app.twin.scene.requestRender();
    },
  };
  window.__rt = hooks as RtHooks & Record<string, unknown>;
  return {
    attachLive(live) {
      const w = window.__rt!;
      w.liveDigest = () => live.conn.digest();
      w.connection = () => live.conn.store.getState().connection;
      w.liveReady = live.conn.ready;
      w.liveStats = () => live.conn.store.getState().stats;
      w.alarms = () => live.conn.store.getState().alarms;
    },
    markReady() {
      ready = true;
      document.body.dataset.ready = "true";
      resolveReady();
    },
  };
}
