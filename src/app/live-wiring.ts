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
  // Recolour work is capped per task (RECOLOUR_BUDGET_MS, ?recolourBudget= overrides): what does not fit (a 300k-point
  // snapshot, a burst of updates) continues in the next tasks, so one pass never blocks input or rendering for long.
  const budgetParam = Number(new URLSearchParams(location.search).get("recolourBudget"));
  const budgetMs = Number.isFinite(budgetParam) && budgetParam > 0 ? budgetParam : RECOLOUR_BUDGET_MS;
  const backlog = new Map<LayerId, { idx: Uint32Array; at: number }>();
  let continuing = false;
  const recolour = (t0: number): number => {
    let points = 0;
    for (const l of current.layers) {
      const b = backlog.get(l.id);
      if (!b) continue;
      while (b.at < b.idx.length) {
        const end = Math.min(b.idx.length, b.at + RECOLOUR_SLICE);
        l.applyLive(b.idx.subarray(b.at, end), view);
        points += end - b.at;
        b.at = end;
        if (performance.now() - t0 > budgetMs) break;
      }
      if (b.at >= b.idx.length) backlog.delete(l.id);
      if (performance.now() - t0 > budgetMs) break;
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
      // a macrotask, not the next animation frame: input and rendering get their turn in between, but a slow
      // renderer (software GL: a few frames per second) does not stretch a large recolour over minutes
      setTimeout(next, 0);
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
  // coalesce: at most one recolour pass per frameMs, however often the store commits
  const frameMs = opts.frameMs ?? 250;
  let lastApply = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer) return;
    const wait = Math.max(0, frameMs - (performance.now() - lastApply));
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
      unStore();
      unVis();
      tickers.clear();
      conn.close();
    },
  };
}
