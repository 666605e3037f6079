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

export function bindLive(
  twin: Twin,
  opts: {
    url?: string;
    token?: string;
    staleMs: number;
    frameMs?: number;
    replay?: { from: number; speed: ReplaySpeedValue };
  },
): LiveBinding {
  let current = twin;
  const ids: Partial<Record<LayerId, string[]>> = {};
  for (const l of twin.layers) ids[l.id] = Array.from({ length: l.count }, (_, i) => l.idOf(i));
  const vis = uiStore.getState().visible;
  const wanted = LAYER_IDS.filter((id) => vis[id] && (ids[id]?.length ?? 0) > 0);
  const flags = UrlFlags.ofPage();
  // ?fastDecode=0 validates deltas with the zod schema instead of the fast path (bench A/B)
  const fastDecode = flags.enabled("fastDecode");
  const perf = createLivePerf();
  const frameMs = opts.frameMs ?? 250;
  const cost = createFrameCost();
  // the socket, parsing, validation and state live in a Web Worker (the page mirrors the arrays and pulls changes
  // once per live frame); ?liveWorker=0 keeps them on the page (bench A/B, and where there is no Worker)
  const inWorker = typeof Worker === "function" && flags.enabled("liveWorker");
  const common = {
    url: new URL(opts.url || location.origin, location.href).toString(),
    token: opts.token,
    layers: wanted,
    ids,
    staleMs: opts.staleMs,
    fastDecode,
    perf,
  };
  const replay = opts.replay ? connectReplay({ ...common, ...opts.replay }) : null;
  const conn: LiveConnection = replay
    ? replay
    : inWorker
      ? connectLiveWorker({ ...common, frameMs: () => liveFrameFor(frameMs, cost.ms), applyBudgetMs: PATCH_BUDGET_MS })
      : connectLive(common);
  perf.inWorker = inWorker;
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
  if (typeof window !== "undefined" && window.__rt) window.__rt.perf = perf;
  // Recolour work is capped per task (RECOLOUR_BUDGET_MS, ?recolourBudget= overrides; BULK_BUDGET_MS for a snapshot's
  // worth): what does not fit continues in later tasks, so one pass never blocks input or rendering for long.
  const budgetMs = flags.positive("recolourBudget") ?? RECOLOUR_BUDGET_MS;
  /** per layer: indices still to recolour, from `at`; `since` = when the oldest of them arrived */
  const backlog = new Map<LayerId, { idx: Uint32Array; at: number; bulk: boolean; since: number }>();
  let continuing = false;
  /** when the first recolour since the last requested frame happened (0 = nothing waiting to be drawn) */
  let undrawnSince = 0;
  let lastPass = -Infinity;
  const recolour = (t0: number, lateMs = 0): number => {
    let points = 0;
    let recoloured = 0;
    let bulk = false;
    let oldest = t0;
    for (const b of backlog.values()) {
      bulk ||= b.bulk;
      oldest = Math.min(oldest, b.since);
    }
    // falling behind (changes older than a live frame) on a turn that came late (the page was busy drawing): fewer
    // turns, so each takes more; keeping up, a pass never exceeds its budget
    const behind = t0 - oldest > liveFrameFor(frameMs, cost.ms);
    const budget = bulk ? Math.max(budgetMs, BULK_BUDGET_MS) : behind ? lateBudget(budgetMs, lateMs) : budgetMs;
    for (const l of current.layers) {
      const b = backlog.get(l.id);
      if (!b) continue;
      while (b.at < b.idx.length) {
        const end = Math.min(b.idx.length, b.at + RECOLOUR_SLICE);
        recoloured += l.applyLive(b.idx.subarray(b.at, end), view, false);
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
    if (points) perf.recolour.push(performance.now(), performance.now() - t0, points, budget);
    // one drawn frame when the backlog is done (and the worker's last pull applied), or once per live frame while it
    // lasts — not one per slice (a drawn frame can cost the main thread far more than a slice: ~0.5-2 s under
    // software GL); and only if a colour changed (most live updates keep an object's colour)
    lastPass = performance.now();
    if (recoloured && !undrawnSince) undrawnSince = t0;
    if (
      undrawnSince &&
      ((!left && !perf.pendingObjects) || performance.now() - undrawnSince >= liveFrameFor(frameMs, cost.ms))
    ) {
      undrawnSince = 0;
      current.scene.requestRender();
    }
    // a snapshot goes on in the next macrotask; live changes ~16 ms later, so one 60 Hz frame never carries more
    // than one budget of recolouring
    if (left && !continuing) continueIn(bulk ? 0 : 16);
    return points;
  };
  /** the next recolour pass in `delay` ms; it knows how late it ran (lateBudget) */
  const continueIn = (delay: number) => {
    continuing = true;
    const due = performance.now() + delay;
    setTimeout(() => {
      continuing = false;
      const t = performance.now();
      recolour(t, t - due);
    }, delay);
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
      // every object of a large layer: a snapshot (a small layer changing whole in one live frame is still live)
      const bulk = changed.length >= l.count && l.count >= BULK_MIN_POINTS;
      if (!b) backlog.set(l.id, { idx: changed, at: 0, bulk, since: t0 });
      else {
        // recolouring reads the current state, so repeats are harmless: append the new changes to what is left
        const rest = b.idx.subarray(b.at);
        const merged = new Uint32Array(rest.length + changed.length);
        merged.set(rest);
        merged.set(changed, rest.length);
        backlog.set(l.id, { idx: merged, at: 0, bulk: bulk || b.bulk, since: b.since });
      }
    }
    // at most one live recolour pass per 60 Hz frame: if one ran less than 16 ms ago, the continuation takes this
    if (backlog.size && !continuing) {
      const since = performance.now() - lastPass;
      if (since >= 16 || [...backlog.values()].some((b) => b.bulk)) recolour(t0);
      else continueIn(16 - since);
    }
    if (any) for (const t of tickers) t();
  };
  // coalesce: at most one recolour pass per live frame (frameMs, stretched when drawing is slow), however often
  // the store commits
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
    // the worker connection already paces its pulls by the live frame: recolour what each pull brought at once
    const wait = inWorker ? 0 : Math.max(0, perf.liveFrameMs - (performance.now() - lastApply));
    timer = setTimeout(() => {
      timer = null;
      lastApply = performance.now();
      onStore(store.getState());
    }, wait);
  };
  const unStore = store.subscribe(schedule);

  const unVis = subscribeSlice(
    uiStore,
    (s) => s.visible,
    (v, prev) => {
      const on = LAYER_IDS.filter((id) => v[id] && !prev[id]);
      const off = LAYER_IDS.filter((id) => !v[id] && prev[id]);
      if (on.length) conn.subscribe(on, ids);
      if (off.length) conn.unsubscribe(off);
    },
  );

  return {
    conn,
    replay,
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
        l.applyLive(
          Uint32Array.from({ length: l.count }, (_, i) => i),
          view,
        );
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
