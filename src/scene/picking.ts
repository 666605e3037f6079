/**
 * Picking that costs what a click needs. Cesium's `scene.pick` runs a pick pass over every shown primitive and the
 * globe; a click here resolves only to a live-layer object, a CIM building or a planner candidate. Decorations (the
 * district fill and glowing outlines, the river, landmark pins, district names, roads, the land and water surfaces) are registered as excluded
 * and hidden for the pick pass, and so is the globe (the points are drawn without depth test; nothing is picked
 * through the ground at city scale). Measured under software GL at 30k objects: most of a warm pick and all of the
 * shader compilation of a cold one went to those primitives (bench/interaction.ts --breakdown).
 *
 * The first pick of a page also compiles the pick variants of the shaders; `warmSoon()` does one pick when the
 * page is idle (after load and again when a tileset's first tiles arrive), so the user's first click does not. That
 * pick covers the whole canvas: a 3×3-pixel pick draws only what is under its pixels (Cesium culls every collection,
 * every point cell and tile against the pick frustum), so a warm-up at one point compiled the pick shaders of the
 * layer under the centre and left the other layers' (and their labels') to the user's first click elsewhere.
 */
import { Cartesian2, type Scene } from "cesium";
import { UrlFlags } from "../ui/url-flags";

interface Showable {
  show: boolean;
}

type IdleWindow = {
  requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number;
  cancelIdleCallback?: (h: number) => void;
};

export class ScenePicker {
  private readonly excluded = new Set<Showable>();
  private idle: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  /** `wide`: the warm-up pick covers the canvas (`?wideWarm=0`: one 3×3 pick at the centre, for the bench A/B) */
  constructor(
    private readonly scene: Scene,
    private readonly wide = UrlFlags.ofPage().enabled("wideWarm"),
  ) {}

  /** primitives drawn for looks only: never part of a pick */
  exclude(...prims: (Showable | null | undefined)[]): void {
    for (const p of prims) if (p) this.excluded.add(p);
  }

  /** forget primitives (they are being destroyed) */
  release(...prims: (Showable | null | undefined)[]): void {
    for (const p of prims) if (p) this.excluded.delete(p);
  }

  /** the top pickable object at a window position (Cesium's pick result), or undefined */
  pick(pos: Cartesian2, width?: number, height?: number): unknown {
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
      if (this.wide) this.pick(centre, w, h);
      else this.pick(centre);
    } catch {
      /* a lost context or a canvas of size 0: the first real click compiles instead */
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
