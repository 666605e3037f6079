/**
 * Camera views and the fence that keeps the camera over Fuzhou: presets fly smoothly; after any user movement the
 * camera is pulled back inside the configured lon/lat box and height range.
 */
import {
  BoundingSphere,
  Cartesian3,
  Cartographic,
  HeadingPitchRange,
  Math as CMath,
  Matrix4,
  type Camera,
  type Scene,
} from "cesium";
import type { CameraView, SceneConfig } from "../config/schema";

export function viewTarget(v: CameraView): { sphere: BoundingSphere; offset: HeadingPitchRange } {
  return {
    sphere: new BoundingSphere(Cartesian3.fromDegrees(v.lon, v.lat, 0), 0),
    offset: new HeadingPitchRange(CMath.toRadians(v.heading), CMath.toRadians(v.pitch), v.range),
  };
}

export function flyToView(camera: Camera, v: CameraView, durationS = 2.5): Promise<boolean> {
  const { sphere, offset } = viewTarget(v);
  return new Promise((resolve) => {
    camera.flyToBoundingSphere(sphere, {
      offset,
      duration: durationS,
      complete: () => resolve(true),
      cancel: () => resolve(false),
    });
  });
}

export function setView(camera: Camera, v: CameraView): void {
  const { sphere, offset } = viewTarget(v);
  camera.viewBoundingSphere(sphere, offset);
  camera.lookAtTransform(Matrix4.IDENTITY); // release the look-at frame
}

export function flyToPoint(camera: Camera, lon: number, lat: number, range = 2500, durationS = 2): Promise<boolean> {
  return flyToView(
    camera,
    { id: "target", name_zh: "", name_en: "", lon, lat, range, heading: 0, pitch: -50, dwellS: 10 },
    durationS,
  );
}

/** Keep the camera inside the city box; returns a remover. */
export function fenceCamera(scene: Scene, limits: SceneConfig["camera"]): () => void {
  const ctl = scene.screenSpaceCameraController;
  ctl.minimumZoomDistance = limits.minHeight;
  ctl.maximumZoomDistance = limits.maxHeight;
  const [w, s, e, n] = limits.limit;
  const onMoveEnd = () => {
    const c = Cartographic.fromCartesian(scene.camera.positionWC);
    const lon = CMath.toDegrees(c.longitude);
    const lat = CMath.toDegrees(c.latitude);
    const clLon = Math.min(e, Math.max(w, lon));
    const clLat = Math.min(n, Math.max(s, lat));
    const clH = Math.min(limits.maxHeight * 1.2, Math.max(limits.minHeight * 0.5, c.height));
    if (clLon !== lon || clLat !== lat || clH !== c.height) {
      scene.camera.flyTo({
        destination: Cartesian3.fromDegrees(clLon, clLat, clH),
        orientation: { heading: scene.camera.heading, pitch: scene.camera.pitch, roll: 0 },
        duration: 0.6,
      });
    }
  };
  scene.camera.moveEnd.addEventListener(onMoveEnd);
  return () => scene.camera.moveEnd.removeEventListener(onMoveEnd);
}
