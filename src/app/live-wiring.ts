/**
 * Connects the twin to the gateway: subscribes to the layers that are shown (rooms), recolours only the changed
 * points each frame, feeds the connection badge, the inspector and the alarm list. Hiding a layer unsubscribes it.
 */
import type { LayerId } from "../protocol/data";
import { LAYER_IDS } from "../protocol/data";
import { metricNames } from "../protocol/live";
import { connectLive, type LiveConnection } from "../live/client";
import { createLivePerf, lateBudget } from "../live/perf";
import { connectLiveWorker } from "../live/worker-client";
import { connectReplay, type ReplayConnection, type ReplaySpeedValue } from "../history/replay-connection";
import type { LiveStoreState } from "../state/live-store";
import type { LiveView } from "../layers/types";
import { subscribeSlice, uiStore } from "../state/ui-store";
import { UrlFlags } from "../ui/url-flags";
import type { Twin } from "./twin";

export interface LiveBinding {
  conn: LiveConnection;
  /** set when the page shows a replay (?replay=<ms>) instead of the live stream */
  replay: ReplayConnection | null;
  view: LiveView;
  /** fires once per applied live frame (a function property: may be passed on unbound) */
  readonly onTick: (cb: () => void) => () => void;
  /** re-attach to a rebuilt twin (same data, e.g. after WebGL context loss): recolours every point of its layers */
  attach(next: Twin): void;
  destroy(): void;
}

/** A token handed over in the URL (?token=) is kept for this tab only and removed from the address bar. */
export function takeToken(): string | undefined {
  const u = new URL(location.href);
  const fromUrl = u.searchParams.get("token");
  if (fromUrl) {
    sessionStorage.setItem("rongtwin.token", fromUrl);
    u.searchParams.delete("token");
    history.replaceState(null, "", u.toString());
    return fromUrl;
  }
  return sessionStorage.getItem("rongtwin.token") ?? undefined;
}

/** main-thread ms one recolour task may take before the rest continues ~16 ms later */
export const RECOLOUR_BUDGET_MS = 1;
const RECOLOUR_SLICE = 256;
/** page ms one slice of a pull from the live worker may take to apply (slices are sized by the measured cost) */
const PATCH_BUDGET_MS = 0.6;
/** a snapshot (every object of a layer changed) is recoloured in larger tasks back to back: it is not a frame-by-frame
 *  stream, and with software GL a drawn frame between small slices stretched a 300k recolour over a minute */
const BULK_BUDGET_MS = 25;
const BULK_MIN_POINTS = 5000;
/** the live frame is stretched to at most this when drawing a frame is slow (see frameCost) */
const MAX_LIVE_FRAME_MS = 2000;

/**
 * What one drawn frame costs the main thread beyond our JavaScript: after postRender the browser still has to hand
 * the WebGL frame to the compositor, and a weak or software GPU blocks the main thread there (SwiftShader at 720p:
 * ~500 ms a frame while the JS part is ~6 ms). Measured as the delay of a macrotask queued at postRender; an
 * exponential average. Live recolouring (which requests a frame) is then coalesced over at least twice that, so
 * drawing never takes more than about half of the main thread and sockets, input and timers keep their turn.
 */
export function createFrameCost(alpha = 0.3): { sample(ms: number): void; readonly ms: number } {
  let ema = 0;
  return {
    sample(ms) {
      ema = ema === 0 ? ms : ema + alpha * (ms - ema);
    },
    get ms() {
      return ema;
    },
  };
}

/** the live frame for a measured frame cost: at least `base`, twice the cost, at most MAX_LIVE_FRAME_MS */
export function liveFrameFor(base: number, frameCostMs: number): number {
  return Math.min(Math.max(base, 2 * frameCostMs), Math.max(base, MAX_LIVE_FRAME_MS));
}

export interface BindLiveOptions {
  url?: string;
  token?: string;
  staleMs: number;
  frameMs?: number;
  replay?: { from: number; speed: ReplaySpeedValue };
}

export function bindLive(twin: Twin, opts: BindLiveOptions): LiveBinding {
  return new LiveWiring(twin, opts);
}

/** per layer: indices still to recolour, from `at`; `since` = when the oldest of them arrived */
type Backlog = { idx: Uint32Array; at: number; bulk: boolean; since: number };

/** The store view the layer renderers read (status 4 = unknown until the layer's first snapshot). */
function storeView(store: LiveConnection["store"]): LiveView {
  return {
    status(layer, i) {
      const L = store.getState().layers[layer];
      return L && L.ready ? L.status[i] : 4;
    },
    lastSeen(layer, i) {
      return store.getState().layers[layer]?.lastSeen[i] ?? 0;
    },
    metric(layer, name, i) {
      const L = store.getState().layers[layer];
      if (!L || !L.ready) return undefined;
      return L.metrics[name]?.[i];
    },
    metricNames: (layer) => metricNames(layer),
  };
}

/**
 * bindLive's binding. Lifecycle: the constructor connects and subscribes to the store, the visibility slice and the
 * scene's postRender; `attach` moves to a rebuilt twin; `destroy` removes every one of them, the timers and the
 * connection.
 */
class LiveWiring implements LiveBinding {
  readonly conn: LiveConnection;
  readonly replay: ReplayConnection | null;
  readonly view: LiveView;
  private current: Twin;
  private readonly ids: Partial<Record<LayerId, string[]>> = {};
  private readonly perf = createLivePerf();
  private readonly cost = createFrameCost();
  private readonly frameMs: number;
  private readonly inWorker: boolean;
  /** main-thread ms of one recolour pass (?recolourBudget= overrides) */
  private readonly budgetMs: number;
  private readonly tickers = new Set<() => void>();
  private readonly versions = new Map<LayerId, number>();
  private readonly backlog = new Map<LayerId, Backlog>();
  private continuing = false;
  private continueTimer: ReturnType<typeof setTimeout> | null = null;
  /** when the first recolour since the last requested frame happened (0 = nothing waiting to be drawn) */
  private undrawnSince = 0;
  private lastPass = -Infinity;
  private lastApply = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private offRender: (() => void) | null = null;
  private readonly unStore: () => void;
  private readonly unVis: () => void;

  constructor(twin: Twin, opts: BindLiveOptions) {
    this.current = twin;
    for (const l of twin.layers) this.ids[l.id] = Array.from({ length: l.count }, (_, i) => l.idOf(i));
    const flags = UrlFlags.ofPage();
    this.frameMs = opts.frameMs ?? 250;
    this.budgetMs = flags.positive("recolourBudget") ?? RECOLOUR_BUDGET_MS;
    // the socket, parsing, validation and state live in a Web Worker (the page mirrors the arrays and pulls changes
    // once per live frame); ?liveWorker=0 keeps them on the page (bench A/B, and where there is no Worker)
    this.inWorker = typeof Worker === "function" && flags.enabled("liveWorker");
    const common = this.connectOptions(opts, flags);
    this.replay = opts.replay ? connectReplay({ ...common, ...opts.replay }) : null;
    this.conn =
      this.replay ??
      (this.inWorker
        ? connectLiveWorker({
            ...common,
            frameMs: () => liveFrameFor(this.frameMs, this.cost.ms),
            applyBudgetMs: PATCH_BUDGET_MS,
          })
        : connectLive(common));
    this.perf.inWorker = this.inWorker;
    this.view = storeView(this.conn.store);
    if (typeof window !== "undefined" && window.__rt) window.__rt.perf = this.perf;
    this.watchFrames(twin);
    this.unStore = this.conn.store.subscribe(this.schedule);
    this.unVis = subscribeSlice(
      uiStore,
      (s) => s.visible,
      (v, prev) => {
        const on = LAYER_IDS.filter((id) => v[id] && !prev[id]);
        const off = LAYER_IDS.filter((id) => !v[id] && prev[id]);
        if (on.length) this.conn.subscribe(on, this.ids);
        if (off.length) this.conn.unsubscribe(off);
      },
    );
  }

  /** the options every kind of connection takes: the layers shown, with their ids */
  private connectOptions(opts: BindLiveOptions, flags: UrlFlags) {
    const vis = uiStore.getState().visible;
    return {
      url: new URL(opts.url || location.origin, location.href).toString(),
      token: opts.token,
      layers: LAYER_IDS.filter((id) => vis[id] && (this.ids[id]?.length ?? 0) > 0),
      ids: this.ids,
      staleMs: opts.staleMs,
      // ?fastDecode=0 validates deltas with the zod schema instead of the fast path (bench A/B)
      fastDecode: flags.enabled("fastDecode"),
      perf: this.perf,
    };
  }

  /** an arrow property: callers pass it on unbound (`onLiveTick: live.onTick`) */
  readonly onTick = (cb: () => void): (() => void) => {
    this.tickers.add(cb);
    return () => this.tickers.delete(cb);
  };

  attach(next: Twin): void {
    this.current = next;
    this.watchFrames(next);
    const s = this.conn.store.getState();
    this.backlog.clear();
    this.perf.backlog = 0;
    for (const l of next.layers) {
      const L = s.layers[l.id];
      if (!L || !L.ready) continue;
      this.conn.drainChanges(l.id);
      l.applyLive(
        Uint32Array.from({ length: l.count }, (_, i) => i),
        this.view,
      );
      this.versions.set(l.id, L.version);
    }
    for (const t of this.tickers) t();
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.continueTimer) clearTimeout(this.continueTimer);
    this.offRender?.();
    this.offRender = null;
    this.unStore();
    this.unVis();
    this.tickers.clear();
    this.conn.close();
  }

  /** what one drawn frame costs: the delay of a macrotask queued at postRender (see createFrameCost) */
  private watchFrames(t: Twin): void {
    this.offRender?.();
    this.offRender = t.scene.postRender.addEventListener(() => {
      const t0 = performance.now();
      setTimeout(() => this.cost.sample(performance.now() - t0), 0);
    });
  }

  /** coalesce: at most one recolour pass per live frame (stretched when drawing is slow), however often the store
   *  commits */
  private readonly schedule = (): void => {
    if (this.timer) return;
    const { perf } = this;
    perf.frameCostMs = this.cost.ms;
    perf.liveFrameMs = liveFrameFor(this.frameMs, this.cost.ms);
    // the worker connection already paces its pulls by the live frame: recolour what each pull brought at once
    const wait = this.inWorker ? 0 : Math.max(0, perf.liveFrameMs - (performance.now() - this.lastApply));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastApply = performance.now();
      this.onStore(this.conn.store.getState());
    }, wait);
  };

  /** queues what changed per layer for recolouring, then runs (or schedules) a pass */
  private onStore(s: LiveStoreState): void {
    const t0 = performance.now();
    let any = false;
    for (const l of this.current.layers) {
      const L = s.layers[l.id];
      if (!L || this.versions.get(l.id) === L.version) continue;
      this.versions.set(l.id, L.version);
      const changed = this.conn.drainChanges(l.id);
      any = true;
      if (!changed.length) continue;
      // every object of a large layer: a snapshot (a small layer changing whole in one live frame is still live)
      this.queueChanges(l.id, changed, changed.length >= l.count && l.count >= BULK_MIN_POINTS, t0);
    }
    // at most one live recolour pass per 60 Hz frame: if one ran less than 16 ms ago, the continuation takes this
    if (this.backlog.size && !this.continuing) {
      const since = performance.now() - this.lastPass;
      if (since >= 16 || [...this.backlog.values()].some((b) => b.bulk)) this.recolour(t0);
      else this.continueIn(16 - since);
    }
    if (any) for (const t of this.tickers) t();
  }

  private queueChanges(layer: LayerId, changed: Uint32Array, bulk: boolean, t0: number): void {
    const b = this.backlog.get(layer);
    if (!b) return void this.backlog.set(layer, { idx: changed, at: 0, bulk, since: t0 });
    // recolouring reads the current state, so repeats are harmless: append the new changes to what is left
    const rest = b.idx.subarray(b.at);
    const merged = new Uint32Array(rest.length + changed.length);
    merged.set(rest);
    merged.set(changed, rest.length);
    this.backlog.set(layer, { idx: merged, at: 0, bulk: bulk || b.bulk, since: b.since });
  }

  /** this pass's budget: larger for a snapshot's worth, stretched when falling behind on a late turn */
  private passBudget(t0: number, lateMs: number): number {
    let bulk = false;
    let oldest = t0;
    for (const b of this.backlog.values()) {
      bulk ||= b.bulk;
      oldest = Math.min(oldest, b.since);
    }
    // falling behind (changes older than a live frame) on a turn that came late (the page was busy drawing): fewer
    // turns, so each takes more; keeping up, a pass never exceeds its budget
    const behind = t0 - oldest > liveFrameFor(this.frameMs, this.cost.ms);
    const { budgetMs } = this;
    return bulk ? Math.max(budgetMs, BULK_BUDGET_MS) : behind ? lateBudget(budgetMs, lateMs) : budgetMs;
  }

  /** one recolour pass within its budget; returns the points recoloured */
  private recolour(t0: number, lateMs = 0): number {
    const budget = this.passBudget(t0, lateMs);
    const bulk = [...this.backlog.values()].some((b) => b.bulk);
    let points = 0;
    let recoloured = 0;
    for (const l of this.current.layers) {
      const b = this.backlog.get(l.id);
      if (!b) continue;
      while (b.at < b.idx.length) {
        const end = Math.min(b.idx.length, b.at + RECOLOUR_SLICE);
        recoloured += l.applyLive(b.idx.subarray(b.at, end), this.view, false);
        points += end - b.at;
        b.at = end;
        if (performance.now() - t0 > budget) break;
      }
      if (b.at >= b.idx.length) this.backlog.delete(l.id);
      if (performance.now() - t0 > budget) break;
    }
    let left = 0;
    for (const b of this.backlog.values()) left += b.idx.length - b.at;
    this.perf.backlog = left;
    if (points) this.perf.recolour.push(performance.now(), performance.now() - t0, points, budget);
    this.lastPass = performance.now();
    this.requestFrame(t0, recoloured > 0, left);
    // a snapshot goes on in the next macrotask; live changes ~16 ms later, so one 60 Hz frame never carries more
    // than one budget of recolouring
    if (left && !this.continuing) this.continueIn(bulk ? 0 : 16);
    return points;
  }

  /** one drawn frame when the backlog is done (and the worker's last pull applied), or once per live frame while it
   *  lasts — not one per slice (a drawn frame can cost the main thread far more than a slice: ~0.5-2 s under
   *  software GL); and only if a colour changed (most live updates keep an object's colour) */
  private requestFrame(t0: number, recoloured: boolean, left: number): void {
    if (recoloured && !this.undrawnSince) this.undrawnSince = t0;
    if (!this.undrawnSince) return;
    const done = !left && !this.perf.pendingObjects;
    if (done || performance.now() - this.undrawnSince >= liveFrameFor(this.frameMs, this.cost.ms)) {
      this.undrawnSince = 0;
      this.current.scene.requestRender();
    }
  }

  /** the next recolour pass in `delay` ms; it knows how late it ran (lateBudget) */
  private continueIn(delay: number): void {
    this.continuing = true;
    const due = performance.now() + delay;
    this.continueTimer = setTimeout(() => {
      this.continuing = false;
      this.continueTimer = null;
      const t = performance.now();
      this.recolour(t, t - due);
    }, delay);
  }
}
