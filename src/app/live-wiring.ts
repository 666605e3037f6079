/**
 * Connects the twin to the gateway: subscribes to the layers that are shown (rooms), recolours only the changed
 * points each frame, feeds the connection badge, the inspector and the alarm list. Hiding a layer unsubscribes it.
 */
import type { LayerId } from "../protocol/data";
import { LAYER_IDS } from "../protocol/data";
import { metricNames } from "../protocol/live";
import { connectLive, type LiveConnection } from "../live/client";
import type { LiveStoreState } from "../state/live-store";
import type { LiveView } from "../layers/types";
import { subscribeSlice, uiStore } from "../state/ui-store";
import type { Twin } from "./twin";

export interface LiveBinding {
  conn: LiveConnection;
  view: LiveView;
  /** fires once per applied live frame */
  onTick(cb: () => void): () => void;
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

/** main-thread ms one recolour task may take before the rest continues on the next frame */
export const RECOLOUR_BUDGET_MS = 1.5;
const RECOLOUR_SLICE = 512;
/** a recolour backlog above this many points is a snapshot, not live change; it gets a larger budget per task */
const BULK_POINTS = 20_000;
const BULK_BUDGET_MS = 25;
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

export function bindLive(twin: Twin, opts: { url?: string; token?: string; staleMs: number; frameMs?: number }): LiveBinding {
  let current = twin;
  const ids: Partial<Record<LayerId, string[]>> = {};
  for (const l of twin.layers) ids[l.id] = Array.from({ length: l.count }, (_, i) => l.idOf(i));
  const vis = uiStore.getState().visible;
  const wanted = LAYER_IDS.filter((id) => vis[id] && (ids[id]?.length ?? 0) > 0);
  // ?fastDecode=0 validates deltas with the zod schema instead of the fast path (bench A/B)
  const fastDecode = new URLSearchParams(location.search).get("fastDecode") !== "0";
  const conn = connectLive({ url: opts.url || location.origin, token: opts.token, layers: wanted, ids, staleMs: opts.staleMs, fastDecode });
  const store = conn.store;

  const view: LiveView = {
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

  const tickers = new Set<() => void>();
  const versions = new Map<LayerId, number>();
  const perf = conn.perf;
  if (typeof window !== "undefined" && window.__rt) window.__rt.perf = perf;
  // Recolour work is capped per task (RECOLOUR_BUDGET_MS, ?recolourBudget= overrides; BULK_BUDGET_MS for a snapshot's
  // worth): what does not fit continues in later tasks, so one pass never blocks input or rendering for long.
  const budgetParam = Number(new URLSearchParams(location.search).get("recolourBudget"));
  const budgetMs = Number.isFinite(budgetParam) && budgetParam > 0 ? budgetParam : RECOLOUR_BUDGET_MS;
  const backlog = new Map<LayerId, { idx: Uint32Array; at: number }>();
  let continuing = false;
  const recolour = (t0: number): number => {
    let points = 0;
    let pending = 0;
    for (const b of backlog.values()) pending += b.idx.length - b.at;
    // a snapshot's worth of points is recoloured in larger slices: each slice may be followed by a drawn frame,
    // and with frames of ~2 s (300k points under software GL) 1.5 ms slices took a minute per snapshot
    const budget = pending > BULK_POINTS ? Math.max(budgetMs, BULK_BUDGET_MS) : budgetMs;
    for (const l of current.layers) {
      const b = backlog.get(l.id);
      if (!b) continue;
      while (b.at < b.idx.length) {
        const end = Math.min(b.idx.length, b.at + RECOLOUR_SLICE);
        l.applyLive(b.idx.subarray(b.at, end), view);
        points += end - b.at;
        b.at = end;
        if (performance.now() - t0 > budget) break;
      }
      if (b.at >= b.idx.length) backlog.delete(l.id);
      if (performance.now() - t0 > budget) break;
    }
    let left = 0;
    for (const b of backlog.values()) left += b.idx.length - b.at;
    perf.backlog = left;
    if (points) perf.recolour.push(performance.now(), performance.now() - t0, points);
    if (left && !continuing) {
      continuing = true;
      const next = () => {
        continuing = false;
        recolour(performance.now());
      };
      // a bulk backlog (a snapshot: tens of thousands of points) goes on in the next macrotask, so a slow renderer
      // (software GL: a few frames per second) does not stretch it over minutes; live changes go on a frame later,
      // so one frame never carries more than one budget of recolouring
      setTimeout(next, left > BULK_POINTS ? 0 : 16);
    }
    return points;
  };
  const onStore = (s: LiveStoreState) => {
    const t0 = performance.now();
    let any = false;
    for (const l of current.layers) {
      const L = s.layers[l.id];
      if (!L || versions.get(l.id) === L.version) continue;
      versions.set(l.id, L.version);
      const changed = conn.drainChanges(l.id);
      any = true;
      if (!changed.length) continue;
      const b = backlog.get(l.id);
      if (!b) backlog.set(l.id, { idx: changed, at: 0 });
      else {
        // recolouring reads the current state, so repeats are harmless: append the new changes to what is left
        const rest = b.idx.subarray(b.at);
        const merged = new Uint32Array(rest.length + changed.length);
        merged.set(rest);
        merged.set(changed, rest.length);
        backlog.set(l.id, { idx: merged, at: 0 });
      }
    }
    recolour(t0);
    if (any) for (const t of tickers) t();
  };
  // coalesce: at most one recolour pass per live frame (frameMs, stretched when drawing is slow), however often
  // the store commits
  const frameMs = opts.frameMs ?? 250;
  const cost = createFrameCost();
  let offRender: (() => void) | null = null;
  const watchFrames = (t: Twin) => {
    offRender?.();
    offRender = t.scene.postRender.addEventListener(() => {
      const t0 = performance.now();
      setTimeout(() => cost.sample(performance.now() - t0), 0);
    });
  };
  watchFrames(twin);
  let lastApply = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer) return;
    perf.frameCostMs = cost.ms;
    perf.liveFrameMs = liveFrameFor(frameMs, cost.ms);
    const wait = Math.max(0, perf.liveFrameMs - (performance.now() - lastApply));
    timer = setTimeout(() => {
      timer = null;
      lastApply = performance.now();
      onStore(store.getState());
    }, wait);
  };
  const unStore = store.subscribe(schedule);

  const unVis = subscribeSlice(uiStore, (s) => s.visible, (v, prev) => {
    const on = LAYER_IDS.filter((id) => v[id] && !prev[id]);
    const off = LAYER_IDS.filter((id) => !v[id] && prev[id]);
    if (on.length) conn.subscribe(on, ids);
    if (off.length) conn.unsubscribe(off);
  });

  return {
    conn,
    view,
    onTick(cb) {
      tickers.add(cb);
      return () => tickers.delete(cb);
    },
    attach(next) {
      current = next;
      watchFrames(next);
      const s = store.getState();
      backlog.clear();
      perf.backlog = 0;
      for (const l of next.layers) {
        const L = s.layers[l.id];
        if (!L || !L.ready) continue;
        conn.drainChanges(l.id);
        l.applyLive(Uint32Array.from({ length: l.count }, (_, i) => i), view);
        versions.set(l.id, L.version);
      }
      for (const t of tickers) t();
    },
    destroy() {
      if (timer) clearTimeout(timer);
      offRender?.();
      unStore();
      unVis();
      tickers.clear();
      conn.close();
    },
  };
}
