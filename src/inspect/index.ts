/**
 * Facility drill-down ("look inside", every mode): an overlay with a three.js view of a data centre, a 5G site or a
 * super-charging station, fed by the gateway's per-object detail stream while it is open.
 *
 *   const inspect = installInspect(app);          // once, after the live binding exists
 *   mountInspector(host, { ..., actions: inspect.actions });   // adds the "Look inside" button
 *   await inspect.open("datacentres", 10);        // or window.__rt.inspect.open("datacentres", "DC-11")
 *   inspect.close();
 *
 * three.js is loaded on first open (dynamic import of ./view), so the first screen never waits for it.
 * Open: conn.detail(layer, id) + subscriptions; close: conn.detail(null), every subscription and listener removed,
 * the view disposed (geometries, materials, textures, renderer, WebGL context), the overlay removed.
 */
import type { App } from "../app/types";
import type { LayerId } from "../protocol/data";
import type { Detail } from "../protocol/live";
import { subscribeSlice, type Selection } from "../state/ui-store";
import { h } from "../ui/dom";
import { t, uiLang } from "../ui/i18n";
import { type ColorBy, InspectOverlay, MAX_DETAIL_RACKS } from "./overlay";
import type { FacilitySpec, FacilityView, ViewInfo } from "./view";
import type * as ViewModule from "./view";
import "./inspect.css";

export { MAX_DETAIL_RACKS } from "./overlay";
export interface InspectInfo extends ViewInfo {
  layer: LayerId;
  objectId: string;
  /** frames rendered by this view */
  frames: number;
  /** detail messages applied since open */
  details: number;
}

export interface InspectController {
  /** open the drill-down of an object (index or id); resolves true once the first frame is drawn */
  open(layer: LayerId, which: number | string): Promise<boolean>;
  close(): void;
  isOpen(): boolean;
  /** whether "look inside" exists for this object */
  canInspect(layer: LayerId, index: number): boolean;
  /** inspector actions: a "Look inside" button for inspectable objects */
  actions(sel: Exclude<Selection, null>): HTMLElement[];
  info(): InspectInfo | null;
  colors(limit?: number): string[] | null;
  /** renderer.info.memory measured after the last close disposed the scene (before the renderer itself) */
  lastClose(): { geometries: number; textures: number } | null;
  stats(): { opens: number; closes: number };
}

let current: InspectController | null = null;
/** The installed controller (kiosk mode closes it on reset). */
export function inspectController(): InspectController | null {
  return current;
}

/** One open drill-down: its overlay, the three.js view once loaded, and everything to undo on close. */
interface Session {
  gen: number;
  layer: LayerId;
  index: number;
  objectId: string;
  overlay: InspectOverlay;
  view: FacilityView | null;
  detail: Detail | null;
  details: number;
  colorBy: ColorBy;
  cleanups: Array<() => void>;
}

export function installInspect(app: App): InspectController {
  const ctl = new Inspector(app);
  current = ctl;
  if (window.__rt) window.__rt.inspect = ctl;
  return ctl;
}

/**
 * installInspect's controller. Lifecycle per session: `open` builds the overlay, asks for the detail stream and
 * subscribes (store slice, live ticks, Escape, language); `close` runs every cleanup, disposes the view and removes
 * the overlay.
 */
class Inspector implements InspectController {
  private session: Session | null = null;
  private gen = 0;
  private opens = 0;
  private closes = 0;
  private closed: { geometries: number; textures: number } | null = null;

  constructor(private readonly app: App) {}

  async open(layer: LayerId, which: number | string): Promise<boolean> {
    const l = this.app.twin.layer(layer);
    if (!l) return false;
    let index = typeof which === "number" ? which : -1;
    if (typeof which === "string")
      for (let i = 0; i < l.count; i++)
        if (l.idOf(i) === which) {
          index = i;
          break;
        }
    if (index < 0 || index >= l.count || !this.canInspect(layer, index)) return false;
    this.close();
    const s = this.startSession(layer, index, l.idOf(index));
    const mod = await this.loadView(s);
    if (!mod || this.session !== s || s.gen !== this.gen) return false; // closed (or replaced) while loading
    return this.showView(s, mod);
  }

  close(): void {
    const s = this.session;
    if (!s) return;
    this.session = null;
    for (const f of s.cleanups.splice(0)) {
      try {
        f();
      } catch (e) {
        console.error("inspect cleanup", e);
      }
    }
    if (s.view) this.closed = s.view.dispose();
    s.view = null;
    s.overlay.destroy();
    this.closes++;
  }

  isOpen(): boolean {
    return this.session !== null;
  }

  canInspect(layer: LayerId, index: number): boolean {
    const data = this.app.twin.data;
    if (layer === "datacentres") return !!data.datacentres[index];
    if (layer === "sites") return !!data.sites[index];
    if (layer === "chargers") return data.chargers[index]?.kind === "super";
    return false;
  }

  actions(sel: Exclude<Selection, null>): HTMLElement[] {
    if (sel.kind !== "object" || !this.canInspect(sel.layer, sel.index)) return [];
    return [
      h(
        "button",
        {
          type: "button",
          class: "look-inside",
          "data-testid": "look-inside",
          onclick: () => void this.open(sel.layer, sel.index),
        },
        `⬚ ${t("lookInside")}`,
      ),
    ];
  }

  info(): InspectInfo | null {
    const s = this.session;
    if (!s || !s.view) return null;
    return { ...s.view.info(), layer: s.layer, objectId: s.objectId, frames: s.view.frames(), details: s.details };
  }

  colors(limit?: number): string[] | null {
    return this.session?.view?.colors(limit) ?? null;
  }

  lastClose(): { geometries: number; textures: number } | null {
    return this.closed;
  }

  stats(): { opens: number; closes: number } {
    return { opens: this.opens, closes: this.closes };
  }

  // ---------------------------------------------------------------- session

  private metric(layer: LayerId, name: string, index: number): number | undefined {
    return this.app.live?.view.metric(layer, name, index);
  }

  private startSession(layer: LayerId, index: number, objectId: string): Session {
    const overlay = new InspectOverlay(
      { layer, index, objectId },
      {
        data: this.app.twin.data,
        twinLayer: this.app.twin.layer(layer),
        metric: (l, name, i) => this.metric(l, name, i),
        close: () => this.close(),
        setColorBy: (by) => {
          s.colorBy = by;
          this.applyDetail(s);
          this.render(s);
        },
      },
    );
    const s: Session = {
      gen: ++this.gen,
      layer,
      index,
      objectId,
      overlay,
      view: null,
      detail: null,
      details: 0,
      colorBy: "load",
      cleanups: [],
    };
    this.session = s;
    this.opens++;
    this.app.shell.root.append(overlay.root);
    this.render(s);
    overlay.focusClose();
    this.follow(s);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") this.close();
    };
    window.addEventListener("keydown", onKey);
    s.cleanups.push(() => window.removeEventListener("keydown", onKey));
    s.cleanups.push(uiLang.subscribe(() => this.render(s)));
    return s;
  }

  /** the detail stream of the object, and the layer's live metrics (station SoC / solar, the KPI values) */
  private follow(s: Session): void {
    const live = this.app.live;
    if (!live) return;
    live.conn.detail(s.layer, s.objectId);
    s.cleanups.push(() => live.conn.detail(null));
    s.cleanups.push(
      subscribeSlice(
        live.conn.store,
        (st) => st.detail,
        (d) => {
          if (!d || d.layer !== s.layer || d.objectId !== s.objectId) return;
          s.detail = d;
          s.details++;
          this.applyDetail(s);
          this.render(s);
        },
      ),
    );
    let last = 0;
    s.cleanups.push(
      live.onTick(() => {
        const now = performance.now();
        if (now - last < 1000) return;
        last = now;
        if (s.layer === "chargers") this.applyDetail(s);
        this.render(s);
      }),
    );
  }

  private render(s: Session): void {
    s.overlay.render(s.detail, s.colorBy);
  }

  /** three.js is loaded on first open (a chunk of its own) */
  private async loadView(s: Session): Promise<typeof ViewModule | null> {
    try {
      return await import("./view");
    } catch (e) {
      if (this.session === s) s.overlay.loadingText(`three.js: ${(e as Error).message}`);
      return null;
    }
  }

  /** creates the view in the stage; resolves once its first frame is on screen */
  private async showView(s: Session, mod: typeof ViewModule): Promise<boolean> {
    const stage = s.overlay.stage;
    stage.querySelector(".inspect-loading")?.remove();
    try {
      s.view = mod.createFacilityView(stage, this.specOf(s.layer, s.index)!);
    } catch (e) {
      stage.append(h("div", { class: "inspect-loading" }, `WebGL: ${(e as Error).message}`));
      return false;
    }
    this.applyDetail(s);
    const t0 = performance.now();
    while (this.session === s && s.view && s.view.frames() === 0 && performance.now() - t0 < 20_000) {
      await new Promise((r) => requestAnimationFrame(() => r(null)));
    }
    return this.session === s && !!s.view && s.view.frames() > 0;
  }

  private specOf(layer: LayerId, index: number): FacilitySpec | null {
    const data = this.app.twin.data;
    if (layer === "datacentres") {
      const d = data.datacentres[index];
      return { kind: "datacentre", halls: d.halls, racks: Math.min(d.racks, MAX_DETAIL_RACKS) };
    }
    if (layer === "sites") {
      const s = data.sites[index];
      return { kind: "site", heightM: s.heightM, azimuths: s.azimuths, tiltDeg: s.tiltDeg };
    }
    if (layer === "chargers") {
      const c = data.chargers[index];
      return { kind: "charger", connectors: c.connectors, solarKwp: c.solarKwp, storageKwh: c.storageKwh };
    }
    return null;
  }

  private applyDetail(s: Session): void {
    const v = s.view;
    const d = s.detail?.detail;
    if (!v) return;
    if (v.kind === "datacentre")
      v.setRacks(d?.kind === "racks" ? (s.colorBy === "temp" ? d.inletC : d.rackUtil) : null, s.colorBy);
    else if (v.kind === "site") v.setSectors(d?.kind === "sectors" ? d.load : null);
    else {
      v.setConnectors(d?.kind === "connectors" ? d.states : null);
      const c = this.app.twin.data.chargers[s.index];
      const solar = this.metric("chargers", "solarKw", s.index);
      v.setStation(
        this.metric("chargers", "socPct", s.index),
        solar !== undefined && c.solarKwp > 0 ? solar / c.solarKwp : undefined,
      );
    }
  }
}
