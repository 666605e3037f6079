/**
 * Picking that costs what a click needs. A click or hover on a live layer's dot is answered on the CPU: each point
 * layer finds its dots near the ground under the cursor and keeps the nearest whose drawn disc covers it
 * (`layers/point-hit.ts`) — well under a millisecond, with no pick pass and no wait for the GPU (a pick pass spends
 * most of its time in readPixels, and under software GL one first pick in several took 4-6× the others). Anything
 * else — a label, a CIM building, a planner marker — goes to Cesium's pick pass, which draws every shown
 * primitive: decorations (the district fill and glowing outlines, the river, landmark pins, district names, roads,
 * the land and water surfaces) are registered as excluded and hidden for it, and so is the globe (the dots are drawn
 * without depth test; nothing is picked through the ground at city scale).
 *
 * The first pass of a page also compiles the pick variants of the shaders; `warmSoon()` does one pass when the
 * page is idle (after load and again when a tileset's first tiles arrive), so the user's first click does not. That
 * pass covers the whole canvas: a 3×3-pixel pick draws only what is under its pixels (Cesium culls every collection,
 * every point cell and tile against the pick frustum), so a warm-up at one point compiled the pick shaders of the
 * layer under the centre only. The same warm-up runs the CPU path over the canvas, so its code is optimised.
 */
import { Cartesian2, Cartesian3, Cartographic, Math as CesiumMath, SceneTransforms, type Scene } from "cesium";
import type { ScreenHit, ScreenHitQuery } from "../layers/types";
import { UrlFlags } from "../ui/url-flags";

interface Showable {
  show: boolean;
}

/** what answers a pick without a pick pass: a layer of dots (PointLayer) */
export interface ScreenHitTester {
  hitTest?(q: ScreenHitQuery): ScreenHit | null;
  maxHitRadiusPx?(): number;
}

/** the CPU path's warm-up: WARM_ROUNDS passes over a WARM_GRID × WARM_GRID grid of the canvas */
const WARM_GRID = 6;
const WARM_ROUNDS = 3;
/** the view's incidence cosine is taken as at least this: an elevated dot's shift grows as 1/cos towards the horizon */
const MIN_COS = 0.05;
const scratchG = new Cartesian3();
const scratchO = new Cartesian3();
const scratchRay = new Cartesian3();
const scratchN = new Cartesian3();
const scratchC = new Cartographic();
const scratchP = new Cartesian2();

type IdleWindow = {
  requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number;
  cancelIdleCallback?: (h: number) => void;
};

export class ScenePicker {
  private readonly excluded = new Set<Showable>();
  private readonly testers: ScreenHitTester[] = [];
  private readonly at = new Cartesian2();
  private idle: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  /**
   * `wide`: the warm-up pick covers the canvas (`?wideWarm=0`: one 3×3 pick at the centre, for the bench A/B);
   * `onCpu`: a pick at a dot is answered on the CPU (`?cpuPick=0`: always a pick pass, for the bench A/B)
   */
  constructor(
    private readonly scene: Scene,
    private readonly wide = UrlFlags.ofPage().enabled("wideWarm"),
    private readonly onCpu = UrlFlags.ofPage().enabled("cpuPick"),
  ) {}

  /** layers that find their objects under the cursor themselves (those without `hitTest` are ignored) */
  addHitTesters(...testers: ScreenHitTester[]): void {
    for (const t of testers) if (t.hitTest && t.maxHitRadiusPx) this.testers.push(t);
  }

  /** primitives drawn for looks only: never part of a pick */
  exclude(...prims: (Showable | null | undefined)[]): void {
    for (const p of prims) if (p) this.excluded.add(p);
  }

  /** forget primitives (they are being destroyed) */
  release(...prims: (Showable | null | undefined)[]): void {
    for (const p of prims) if (p) this.excluded.delete(p);
  }

  /**
   * the top pickable object at a window position (Cesium's pick result), or undefined. A dot of a live layer under
   * the cursor is found on the CPU (the nearest, when dots overlap); anything else — buildings, labels, planner
   * markers — by Cesium's pick pass, without the decorations and the globe.
   */
  pick(pos: Cartesian2, width?: number, height?: number): unknown {
    if (width === undefined && height === undefined && this.onCpu) {
      const hit = this.hitDot(pos);
      if (hit) return hit.picked;
    }
    return this.pickPass(pos, width, height);
  }

  /** the nearest live-layer dot drawn under a window position, found without a pick pass; null: none */
  hitDot(pos: Cartesian2): ScreenHit | null {
    if (!this.testers.length || this.scene.isDestroyed()) return null;
    // a copy: every caller's position (Cesium's event, a test's plain object) reaches the code below as one shape
    const q = this.query(Cartesian2.fromElements(pos.x, pos.y, this.at));
    if (!q) return null;
    let best: ScreenHit | null = null;
    for (const t of this.testers) {
      const h = t.hitTest!(q);
      if (h && (!best || h.d2 < best.d2)) best = h;
    }
    return best;
  }

  /**
   * The cursor, the ground under it, and how far on the ground the largest dot can reach from it: the farthest of
   * the ground points `radiusPx` pixels left, right, above and below (an oblique view stretches that footprint).
   * Null when the cursor is on the sky.
   */
  private query(pos: Cartesian2): ScreenHitQuery | null {
    const { scene } = this;
    const { camera } = scene;
    const ellipsoid = scene.globe.ellipsoid;
    const g = camera.pickEllipsoid(pos, ellipsoid, scratchG);
    if (!g) return null;
    let radiusPx = 0;
    for (const t of this.testers) radiusPx = Math.max(radiusPx, t.maxHitRadiusPx!());
    const eye = camera.positionWC;
    const toEye = Cartesian3.distance(eye, g);
    let footprintM = 0;
    for (const [dx, dy] of [
      [radiusPx, 0],
      [-radiusPx, 0],
      [0, radiusPx],
      [0, -radiusPx],
    ]) {
      const o = camera.pickEllipsoid(Cartesian2.fromElements(pos.x + dx, pos.y + dy, scratchP), ellipsoid, scratchO);
      // a neighbour on the sky: the cursor is at the horizon, where a pixel covers kilometres
      footprintM = Math.max(footprintM, o ? Cartesian3.distance(o, g) : toEye);
    }
    const ray = Cartesian3.normalize(Cartesian3.subtract(g, eye, scratchRay), scratchRay);
    const up = ellipsoid.geodeticSurfaceNormal(g, scratchN);
    const cos = Math.max(MIN_COS, Math.abs(Cartesian3.dot(ray, up)));
    const c = Cartographic.fromCartesian(g, ellipsoid, scratchC);
    return {
      x: pos.x,
      y: pos.y,
      lon: CesiumMath.toDegrees(c.longitude),
      lat: CesiumMath.toDegrees(c.latitude),
      footprintM,
      radiusPx,
      heightShift: Math.sqrt(1 - cos * cos) / cos,
      eye,
      // device pixels per CSS pixel (the browser's ratio times the widget's resolution scale)
      pixelRatio: scene.drawingBufferWidth / Math.max(1, scene.canvas.clientWidth),
      project: (p, out) => SceneTransforms.worldToWindowCoordinates(scene, p, out),
    };
  }

  /** Cesium's pick pass without the decorations and the globe */
  private pickPass(pos: Cartesian2, width?: number, height?: number): unknown {
    const hidden: Showable[] = [];
    for (const p of this.excluded)
      if (p.show) {
        p.show = false;
        hidden.push(p);
      }
    const globe = this.scene.globe as Showable | undefined;
    const globeShown = globe?.show === true;
    if (globe && globeShown) globe.show = false;
    try {
      return this.scene.pick(pos, width, height);
    } finally {
      if (globe && globeShown) globe.show = true;
      for (const p of hidden) p.show = true;
    }
  }

  /** one pick over the whole canvas now: compiles the pick shaders of everything pickable in view */
  warm(): void {
    if (this.destroyed || this.scene.isDestroyed()) return;
    const c = this.scene.canvas;
    const w = Math.max(1, Math.floor(c.clientWidth));
    const h = Math.max(1, Math.floor(c.clientHeight));
    try {
      const centre = new Cartesian2(Math.floor(w / 2), Math.floor(h / 2));
      this.warmHits(w, h);
      if (this.wide) this.pickPass(centre, w, h);
      else this.pickPass(centre);
    } catch {
      /* a lost context or a canvas of size 0: the first real click compiles instead */
    }
  }

  /**
   * The CPU path over a grid of the canvas, a few times: V8 compiles a function to fast code only after it has run
   * a while, and a user's first click should not be what runs it first
   */
  private warmHits(w: number, h: number): void {
    const p = new Cartesian2();
    for (let round = 0; round < WARM_ROUNDS; round++)
      for (let k = 0; k < WARM_GRID * WARM_GRID; k++) {
        p.x = ((k % WARM_GRID) + 0.5) * (w / WARM_GRID);
        p.y = (Math.floor(k / WARM_GRID) + 0.5) * (h / WARM_GRID);
        this.hitDot(p);
      }
  }

  /** warm() when the page is next idle (after `delayMs`); a second call before then is merged */
  warmSoon(delayMs = 0): void {
    if (this.destroyed || this.timer || this.idle !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const w = globalThis as IdleWindow;
      const run = () => {
        this.idle = null;
        this.warm();
      };
      if (w.requestIdleCallback) this.idle = w.requestIdleCallback(run, { timeout: 5000 });
      else run();
    }, delayMs);
  }

  destroy(): void {
    this.destroyed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.idle !== null) (globalThis as IdleWindow).cancelIdleCallback?.(this.idle);
    this.excluded.clear();
  }
}
