/**
 * Keeps the camera's target (the ground at the centre of the screen) over Fuzhou's land or near coast while a visitor
 * drags, flicks or zooms: from the first touch until the camera comes to rest (inertia included), every frame whose
 * target left the fence moves the camera back by the same ground offset (heading, pitch and height kept), so a drag
 * stops at the edge instead of carrying the view out to sea. Camera flights (chapter buttons, the attract loop) are
 * not touched: they start from buttons, not from the globe.
 */
import { Cartesian2, Cartesian3, Cartographic, Math as CMath, type Scene } from "cesium";
import type { LandFence } from "./land-fence";

/** the narrowest near-coast band (m), for the closest views */
const NEAREST_BAND_M = 150;

/** the screen point (CSS px from the canvas' top left) whose ground the fence keeps in bounds */
export type FocusPoint = () => { x: number; y: number };

export class TargetFence {
  private steering = false;
  private pointers = 0;
  private readonly centre = new Cartesian2();
  private readonly canvas: HTMLCanvasElement;
  private readonly offs: Array<() => void> = [];
  /** camera moves the fence made (diagnostics and tests) */
  corrections = 0;

  constructor(
    private readonly scene: Scene,
    private readonly fence: LandFence,
    /** default: the canvas centre; a screen with panels over the map passes the centre of what stays visible */
    private readonly focus?: FocusPoint,
  ) {
    this.canvas = scene.canvas;
    const start = () => {
      this.steering = true;
    };
    const down = () => {
      this.pointers++;
      start();
    };
    // a press anywhere else (a chapter button starting a flight) ends the visitor's own move: flights are not fenced
    const elsewhere = (e: Event) => {
      if (e.target !== this.canvas) this.steering = false;
    };
    this.listen(window, "pointerdown", elsewhere);
    const up = () => {
      this.pointers = Math.max(0, this.pointers - 1);
    };
    this.listen(this.canvas, "pointerdown", down);
    this.listen(window, "pointerup", up);
    this.listen(window, "pointercancel", up);
    this.listen(this.canvas, "wheel", start);
    // the events themselves are kept: a scene rebuilt after a lost context destroys the old one (and drops its
    // camera) before the fence that watched it is destroyed
    const { preUpdate } = scene;
    const { moveEnd } = scene.camera;
    const onPre = () => this.onFrame();
    preUpdate.addEventListener(onPre);
    this.offs.push(() => preUpdate.removeEventListener(onPre));
    const onEnd = () => this.onMoveEnd();
    moveEnd.addEventListener(onEnd);
    this.offs.push(() => moveEnd.removeEventListener(onEnd));
  }

  /** the ground point at the focus (lon/lat degrees), or the point under the camera at the horizon */
  target(): [number, number] {
    const { camera, canvas } = this.scene;
    const f = this.focus?.() ?? { x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 };
    this.centre.x = f.x;
    this.centre.y = f.y;
    const hit = camera.pickEllipsoid(this.centre);
    const c = hit ? Cartographic.fromCartesian(hit) : Cartographic.fromCartesian(camera.positionWC);
    return [CMath.toDegrees(c.longitude), CMath.toDegrees(c.latitude)];
  }

  /** move the camera so its target is inside the fence; true if it had to */
  enforce(): boolean {
    const [lon, lat] = this.target();
    const camera = this.scene.camera;
    const pos = Cartographic.fromCartesian(camera.positionWC);
    // the near-coast band scales with the view: a tenth of the camera's height, so a close view keeps land on
    // screen too (1.5 km of sea fills a street-level view), up to the fence's own band for a city-wide one
    const band = Math.min(this.fence.nearCoastM, Math.max(NEAREST_BAND_M, 0.1 * pos.height));
    const [clon, clat] = this.fence.clamp(lon, lat, band);
    if (clon === lon && clat === lat) return false;
    camera.setView({
      destination: Cartesian3.fromRadians(
        pos.longitude + CMath.toRadians(clon - lon),
        pos.latitude + CMath.toRadians(clat - lat),
        pos.height,
      ),
      orientation: { heading: camera.heading, pitch: camera.pitch, roll: 0 },
    });
    this.corrections++;
    this.scene.requestRender();
    return true;
  }

  destroy(): void {
    for (const f of this.offs.splice(0)) f();
  }

  private onFrame(): void {
    if (this.steering) this.enforce();
  }

  private onMoveEnd(): void {
    if (!this.steering) return;
    this.enforce();
    // at rest with no finger down: the visitor's move (and its inertia) is over
    if (this.pointers === 0) this.steering = false;
  }

  private listen(target: EventTarget, type: string, fn: (e: Event) => void): void {
    target.addEventListener(type, fn, { passive: true });
    this.offs.push(() => target.removeEventListener(type, fn));
  }
}
