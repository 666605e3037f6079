/**
 * The director's camera port over Cesium. Always uses the app's CURRENT twin (it may have been rebuilt after a
 * context loss), and every flight promise settles: on completion, on cancel, or after a timeout if the scene it was
 * flying in has been destroyed meanwhile.
 */
import { Cartesian3, Math as CMath, PerspectiveFrustum } from "cesium";
import { followRadiusM, followRangeM, kthNearestM, MIN_RADIUS_M, NEIGHBOURS } from "./framing";
import type { App } from "../../app/mode-api";
import type { CameraView } from "../../config/schema";
import { flyToView } from "../../scene/camera";
import type { CameraPort, ObjectRef } from "./director";

export interface Pose {
  position: Cartesian3;
  heading: number;
  pitch: number;
  roll: number;
}

function settle(p: Promise<unknown>, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, maxMs);
    void p.finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** the range that shows `radiusM` of ground around the target on this screen (framing.ts) */
export function screenRangeM(app: App, radiusM: number): number {
  const { frustum } = app.twin.scene.camera;
  const fov = (frustum instanceof PerspectiveFrustum ? frustum.fov : undefined) ?? CMath.toRadians(60);
  const canvas = app.twin.scene.canvas;
  return followRangeM(radiusM, fov, canvas.clientWidth / Math.max(1, canvas.clientHeight));
}

/** how far to stand back from an alarm's object on this screen: its nearest 5G sites in view (framing.ts) */
function frameRangeM(app: App, ref: ObjectRef): number {
  const l = app.twin.layer(ref.layer)!;
  const sites = app.twin.layer("sites");
  const ctx = sites && sites.count > NEIGHBOURS ? sites : l;
  const skip = ctx === l ? ref.index : -1;
  const near = kthNearestM(ctx.count, (j) => ctx.position(j), l.position(ref.index), skip);
  return screenRangeM(app, followRadiusM(near));
}

/**
 * A view chosen for a 16:9 screen (an outage's footprint) stretched for this one: as much ground in view on an
 * ultra-wide wall's narrow height, and never less than the minimum surroundings.
 */
export function fitViewToScreen(app: App, v: CameraView): CameraView {
  const stretch = screenRangeM(app, 1) / followRangeM(1, CMath.toRadians(60), 16 / 9);
  return { ...v, range: Math.max(v.range * Math.max(1, stretch), screenRangeM(app, MIN_RADIUS_M)) };
}

export function cesiumCameraPort(app: App, opts: { flightS?: number; tourFlightS?: number } = {}): CameraPort<Pose> {
  const flightS = opts.flightS ?? 3;
  const tourS = opts.tourFlightS ?? 5;
  const cam = () => app.twin.scene.camera;
  const fly = (v: CameraView, s: number) => {
    app.twin.scene.requestRender();
    return settle(flyToView(cam(), v, s), (s + 3) * 1000);
  };
  return {
    save() {
      const c = cam();
      return { position: Cartesian3.clone(c.positionWC), heading: c.heading, pitch: c.pitch, roll: c.roll };
    },
    restore(p) {
      const c = cam();
      app.twin.scene.requestRender();
      return settle(
        new Promise<void>((resolve) =>
          c.flyTo({
            destination: p.position,
            orientation: { heading: p.heading, pitch: p.pitch, roll: p.roll },
            duration: flightS,
            complete: resolve,
            cancel: resolve,
          }),
        ),
        (flightS + 3) * 1000,
      );
    },
    flyToObject(ref: ObjectRef) {
      const l = app.twin.layer(ref.layer);
      if (!l || ref.index < 0 || ref.index >= l.count) return Promise.resolve();
      const p = l.position(ref.index);
      const range = frameRangeM(app, ref);
      return fly(
        {
          id: "alarm",
          name_zh: "告警",
          name_en: "alarm",
          lon: p.lon,
          lat: p.lat,
          range,
          heading: 0,
          pitch: -45,
          dwellS: 10,
        },
        flightS,
      );
    },
    flyToView(v) {
      return fly(v, tourS);
    },
    cancel() {
      cam().cancelFlight();
    },
  };
}
