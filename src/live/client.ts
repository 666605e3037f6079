/**
 * Browser (and Node) client of the live gateway.
 *
 *   const live = connectLive({ url: location.origin, layers: ["sites", "chargers"], ids: { sites: siteIds, chargers: chargerIds } });
 *   live.store.subscribe((s) => badge.update(s.connection));
 *   // each animation frame, in a layer renderer:
 *   for (const i of live.drainChanges("sites")) recolour(i, live.store.getState().layers.sites!.status[i]);
 *
 * Every server message is validated (decode.ts). Messages are queued and applied once per animation frame
 * (requestAnimationFrame; setTimeout(16) where there is none): many deltas -> one setState. One pass spends at most
 * ~1 ms (applyBudgetMs); what is left goes on ~16 ms later, unless it has waited 2 s (maxApplyLagMs). A delta whose
 * `prev` is beyond our seq is a gap: the layer asks for a resync and buffers deltas until the snapshot comes.
 * After a reconnect that socket.io could not recover (connection-state recovery), every layer is
 * re-subscribed and gets a fresh snapshot.
 */
import { io, type Socket } from "socket.io-client";
import type { LayerId } from "../protocol/data";
import { EVENTS, PROTOCOL_VERSION, type AlarmEvent, type Delta, type Snapshot } from "../protocol/live";
import { createLiveModel, type LiveModel, type LiveStore } from "../state/live-store";
import { type LayerIds, LiveConnectionCore } from "./connection-core";
import { decodeServerMessage, SERVER_SCHEMAS, type ServerMessage } from "./decode";
import { createLivePerf, timedParser, type LivePerf } from "./perf";
import { fastDelta } from "./fast-delta";

export interface ConnectLiveOptions {
  /** gateway origin, e.g. location.origin or http://127.0.0.1:8787 */
  url: string;
  /** viewer needs none in the default config; operator (ack) needs one */
  token?: string;
  layers: LayerId[];
  /** object ids per layer in public/data/<layer>.json order */
  ids: Partial<Record<LayerId, readonly string[]>>;
  /** no update for this long -> drawn as status 4 (default 30 s) */
  staleMs?: number;
  /** disconnected for this long -> connection state "offline" instead of "reconnecting" (default 15 s) */
  offlineAfterMs?: number;
  /** frame scheduler (default requestAnimationFrame, else setTimeout 16 ms) */
  schedule?: (cb: () => void) => void;
  /** socket.io transports (default websocket first, polling fallback) */
  transports?: ("websocket" | "polling")[];
  /** an existing model to feed (default: a new one) */
  model?: LiveModel;
  /** performance counters to feed (default: a new set) */
  perf?: LivePerf;
  /** validate deltas with the hand-written fast path (same rules as the zod schema; default true) */
  fastDecode?: boolean;
  /** main-thread budget of one apply pass (ms, default 1): queued messages beyond it are applied in a pass ~16 ms
   *  later, so a slow renderer (a frame every 500 ms under software GL) does not turn into one long apply burst.
   *  Smoothing, not a cap: a message older than `maxApplyLagMs` (default 2000) is applied regardless. */
  applyBudgetMs?: number;
  maxApplyLagMs?: number;
}

/** A live connection as the app uses it: the socket on this thread (connectLive) or in a worker (worker-client.ts). */
export interface LiveConnection {
  store: LiveStore;
  model: LiveModel;
  /** main-thread time spent decoding and applying live messages (ring buffers) */
  perf: LivePerf;
  /** add layers (needs their ids) */
  subscribe(layers: LayerId[], ids?: Partial<Record<LayerId, readonly string[]>>): void;
  unsubscribe(layers: LayerId[]): void;
  /** acknowledge an alarm (role operator; others get store.lastError "forbidden") */
  ack(alarmId: string): void;
  /** stream per-object detail into store.detail (null stops) */
  detail(layer: LayerId, objectId: string): void;
  detail(layer: null): void;
  /** indices changed since the last call (for the layer renderer, once per frame) */
  drainChanges(layer: LayerId): Uint32Array;
  /** same digest as GET /api/digest?layers=<subscribed> */
  digest(): string;
  /** current twin time (simulated clock when the gateway simulates, else Date.now()) for "last seen" / alarm ages */
  twinNow(): number;
  /** alarm events (raise, clear, ack) as they arrive, validated; returns the unsubscribe function */
  onAlarm(cb: (e: AlarmEvent) => void): () => void;
  /** resolves when every subscribed layer has its first snapshot */
  ready: Promise<void>;
  close(): void;
}

/** connectLive's connection: the socket lives on this thread. */
export interface DirectLiveConnection extends LiveConnection {
  socket: Socket;
}

const MAX_BUFFERED = 500;

type ConnState = "connecting" | "connected" | "reconnecting" | "offline";

export function connectLive(opts: ConnectLiveOptions): DirectLiveConnection {
  return new SocketLiveConnection(opts);
}

/**
 * connectLive's connection. Lifecycle: the constructor opens the socket and starts the stale timer; `close` stops
 * every timer and disconnects (the socket's own handlers go with it).
 */
class SocketLiveConnection extends LiveConnectionCore implements DirectLiveConnection {
  readonly socket: Socket;
  private readonly schedule: (cb: () => void) => void;
  private readonly later: (cb: () => void) => void;
  private readonly awaiting = new Map<LayerId, { since: number; buffer: Delta[] }>();
  private readonly lastResync = new Map<LayerId, number>();
  private queue: ServerMessage[] = [];
  /** arrival time (performance.now()) per queued message */
  private arrived: number[] = [];
  private frameRequested = false;
  private closed = false;
  private detailTarget: { layer: LayerId; objectId: string } | null = null;
  /** outstanding resyncs that got no answer are asked again on this timer (a quiet stream brings no message) */
  private resyncTimer: ReturnType<typeof setInterval> | null = null;
  private offlineTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly staleTimer: ReturnType<typeof setInterval>;
  private serverDrops = 0;
  private connectedAt = 0;

  constructor(private readonly opts: ConnectLiveOptions) {
    super(
      "connectLive",
      opts.model ?? createLiveModel({ staleMs: opts.staleMs }),
      opts.perf ?? createLivePerf(),
      opts.ids,
    );
    this.schedule =
      opts.schedule ??
      (typeof requestAnimationFrame === "function"
        ? (cb: () => void) => void requestAnimationFrame(() => cb())
        : (cb: () => void) => void setTimeout(cb, 16));
    this.later = opts.schedule ?? ((cb: () => void) => void setTimeout(cb, 16));
    this.socket = io(opts.url, {
      auth: opts.token ? { token: opts.token } : {},
      transports: opts.transports ?? ["websocket", "polling"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      parser: timedParser(this.perf),
    });
    for (const event of Object.keys(SERVER_SCHEMAS)) this.socket.on(event, (raw: unknown) => this.receive(event, raw));
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("disconnect", (reason) => this.onDisconnect(reason));
    this.socket.on("connect_error", (e: Error) => this.onConnectError(e));
    this.socket.io.on("reconnect_failed", () => this.setConn("offline", "reconnect failed"));
    // stale detection, and a frame even when no message arrives
    this.staleTimer = setInterval(() => {
      if (this.model.markStale() > 0) this.model.commit();
    }, 1000);
    this.addLayers(opts.layers);
    this.checkReady(); // no layers requested: ready at once
  }

  // ---------------------------------------------------------------- public API

  subscribe(layers: LayerId[], ids?: LayerIds): void {
    const fresh = layers.filter((l) => !this.subscribed.has(l));
    this.addLayers(fresh, ids);
    this.sendSubscribe(fresh);
  }

  unsubscribe(layers: LayerId[]): void {
    const gone = this.removeLayers(layers);
    for (const l of gone) this.awaiting.delete(l);
    if (gone.length && this.socket.connected)
      this.socket.emit(EVENTS.unsubscribe, { v: PROTOCOL_VERSION, layers: gone });
  }

  ack(alarmId: string): void {
    this.socket.emit(EVENTS.ack, { v: PROTOCOL_VERSION, alarmId });
  }

  detail(layer: LayerId, objectId: string): void;
  detail(layer: null): void;
  detail(layer: LayerId | null, objectId?: string): void {
    const { socket, store } = this;
    if (layer === null || objectId === undefined) {
      this.detailTarget = null;
      store.setState({ detail: null });
      if (socket.connected) socket.emit(EVENTS.detailUnsubscribe, { v: PROTOCOL_VERSION });
      return;
    }
    this.detailTarget = { layer, objectId };
    store.setState({ detail: null });
    if (socket.connected) socket.emit(EVENTS.detailSubscribe, { v: PROTOCOL_VERSION, layer, objectId });
  }

  close(): void {
    this.closed = true;
    clearInterval(this.staleTimer);
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.closeCore();
    this.socket.disconnect();
  }

  // ---------------------------------------------------------------- connection state

  private setConn(state: ConnState, reason?: string): void {
    const cur = this.store.getState().connection;
    if (cur.state === state) return;
    // "offline" keeps the time the connection was lost
    const since = state === "offline" && cur.state === "reconnecting" ? cur.since : Date.now();
    this.store.setState({ connection: { state, since, ...(reason ? { reason } : {}) } });
  }

  private onConnect(): void {
    const { model, socket } = this;
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    this.connectedAt = Date.now();
    const first = this.store.getState().server === null && model.stats.snapshots === 0;
    this.setConn("connected");
    if (socket.recovered) model.stats.recovered++;
    else {
      if (!first) model.stats.resubscribed++;
      this.sendSubscribe([...this.subscribed]);
    }
    model.commit();
    if (this.detailTarget) socket.emit(EVENTS.detailSubscribe, { v: PROTOCOL_VERSION, ...this.detailTarget });
  }

  private onDisconnect(reason: string): void {
    const { socket } = this;
    if (this.closed || reason === "io client disconnect") return this.setConn("offline", reason);
    this.setConn("reconnecting", reason);
    if (reason === "io server disconnect") {
      // the gateway closed this connection on purpose (graceful shutdown for a restart, or a client that lagged
      // too long): socket.io does not retry by itself, so reconnect with backoff (1 s, 2 s, ... 30 s)
      if (Date.now() - this.connectedAt > 30_000) this.serverDrops = 0;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.serverDrops++, 5));
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => {
        if (!this.closed && !socket.connected) socket.connect();
      }, delay);
    }
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    this.offlineTimer = setTimeout(() => {
      if (!socket.connected) this.setConn("offline", "no connection");
    }, this.opts.offlineAfterMs ?? 15_000);
  }

  private onConnectError(e: Error): void {
    const cur = this.store.getState().connection.state;
    if (cur === "connecting") this.setConn("reconnecting", e.message);
    if (/unauthorized|origin/.test(e.message))
      this.store.setState({ lastError: { v: PROTOCOL_VERSION, code: "forbidden", reason: e.message.slice(0, 500) } });
  }

  // ---------------------------------------------------------------- subscriptions and resyncs

  private sendSubscribe(layers: LayerId[]): void {
    if (!layers.length || !this.socket.connected) return;
    const s = this.store.getState();
    for (const l of layers) this.awaiting.set(l, { since: Date.now(), buffer: [] });
    this.socket.emit(EVENTS.subscribe, {
      v: PROTOCOL_VERSION,
      layers,
      idsHash: Object.fromEntries(layers.map((l) => [l, s.layers[l]!.idsHash])),
    });
  }

  private requestResync(layer: LayerId, reason: string): void {
    const now = Date.now();
    const cur = this.awaiting.get(layer);
    if (cur && now - (this.lastResync.get(layer) ?? 0) < 1000) return; // one outstanding request per second
    if (!cur) this.awaiting.set(layer, { since: now, buffer: [] });
    this.lastResync.set(layer, now);
    const L = this.store.getState().layers[layer];
    if (this.socket.connected)
      this.socket.emit(EVENTS.resync, { v: PROTOCOL_VERSION, layer, seq: L?.seq ?? 0, reason });
    this.model.stats.resyncs++;
  }

  /** asks again for resyncs that got no answer (lost or rate-limited request, gateway restart) */
  private retryAwaiting(now = Date.now()): void {
    for (const [l, w] of this.awaiting)
      if (now - w.since > 5000 && this.socket.connected) {
        w.since = now;
        this.requestResync(l, "timeout");
      }
    if (this.awaiting.size && !this.resyncTimer && !this.closed)
      this.resyncTimer = setInterval(() => this.retryAwaiting(), 1000);
    else if (!this.awaiting.size && this.resyncTimer) {
      clearInterval(this.resyncTimer);
      this.resyncTimer = null;
    }
  }

  // ---------------------------------------------------------------- messages

  /** validates a server message; snapshots and deltas are queued for the next frame, the rest applied now */
  private receive(event: string, raw: unknown): void {
    const { perf, model, store } = this;
    const t0 = performance.now();
    const fast = event === "delta" && this.opts.fastDecode !== false ? fastDelta(raw) : null;
    const r: ReturnType<typeof decodeServerMessage> = fast
      ? { ok: true, value: { event: "delta", msg: fast } }
      : decodeServerMessage(event, raw);
    if (event === "delta" || event === "snapshot") {
      perf.pendingDecodeMs += performance.now() - t0;
      if (r.ok && r.value.event === "delta") perf.pendingRecords += r.value.msg.idx.length;
    }
    if (!r.ok) {
      model.stats.rejected++;
      model.commit();
      store.setState({
        lastError: { v: PROTOCOL_VERSION, code: r.code, reason: `server ${event}: ${r.reason}`.slice(0, 500) },
      });
      return;
    }
    this.handle(r.value);
  }

  private handle(m: ServerMessage): void {
    const { model, store } = this;
    switch (m.event) {
      case "snapshot":
      case "delta":
        return this.enqueue(m);
      case "hello":
        store.setState({
          server: {
            serverId: m.msg.serverId,
            epoch: m.msg.epoch,
            role: m.msg.role,
            simSpeed: m.msg.simSpeed,
            ...(m.msg.clock ? { clock: m.msg.clock } : {}),
          },
        });
        return;
      case "alarms":
        return model.applyAlarmList(m.msg.alarms);
      case "alarm":
        model.applyAlarmEvent(m.msg);
        this.emitAlarm(m.msg);
        return;
      case "detail": {
        const t = this.detailTarget;
        if (t && m.msg.layer === t.layer && m.msg.objectId === t.objectId) store.setState({ detail: m.msg });
        return;
      }
      case "error":
        store.setState({ lastError: m.msg });
        return;
    }
  }

  private enqueue(m: ServerMessage): void {
    this.queue.push(m);
    this.arrived.push(performance.now());
    if (!this.frameRequested && !this.closed) {
      this.frameRequested = true;
      this.schedule(this.process);
    }
  }

  /** one apply pass: queued messages in arrival order within the budget, then one commit */
  private readonly process = (): void => {
    const t0 = performance.now();
    this.frameRequested = false;
    const now = Date.now();
    const budgetMs = this.opts.applyBudgetMs ?? 1;
    const maxLagMs = this.opts.maxApplyLagMs ?? 2000;
    const { queue, arrived } = this;
    // in arrival order, until the budget is spent (at least one message per pass) unless the next one has waited
    // too long; the rest goes on in a pass ~16 ms later
    let n = 0;
    while (n < queue.length) {
      this.applyOne(queue[n++], now);
      const t = performance.now();
      if (t - t0 > budgetMs && n < queue.length && t - arrived[n] < maxLagMs) break;
    }
    this.queue = n === queue.length ? [] : queue.slice(n);
    this.arrived = n === queue.length ? [] : arrived.slice(n);
    this.retryAwaiting(now);
    this.model.commit();
    this.checkReady();
    const { perf } = this;
    const t1 = performance.now();
    perf.frames.push(t1, perf.pendingDecodeMs, t1 - t0, perf.pendingRecords);
    perf.pendingDecodeMs = 0;
    perf.pendingRecords = 0;
    if (this.queue.length && !this.frameRequested && !this.closed) {
      this.frameRequested = true;
      this.later(this.process);
    }
  };

  private applyOne(m: ServerMessage, now: number): void {
    if (m.event === "snapshot") this.applySnapshot(m.msg, now);
    else if (m.event === "delta") this.applyDelta(m.msg, now);
  }

  private applySnapshot(s: Snapshot, now: number): void {
    if (!this.subscribed.has(s.layer)) return;
    const buffered = this.awaiting.get(s.layer)?.buffer ?? [];
    this.awaiting.delete(s.layer);
    if (!this.model.applySnapshot(s, now)) return;
    for (const d of buffered) {
      const r = this.model.applyDelta(d, now);
      if (r === "gap" || r === "epoch") return this.requestResync(s.layer, r);
    }
  }

  private applyDelta(d: Delta, now: number): void {
    if (!this.subscribed.has(d.layer)) return;
    const wait = this.awaiting.get(d.layer);
    if (wait) {
      if (wait.buffer.length < MAX_BUFFERED) wait.buffer.push(d);
      else wait.buffer = []; // the snapshot supersedes them anyway
      return;
    }
    const r = this.model.applyDelta(d, now);
    if (r === "gap" || r === "epoch") this.requestResync(d.layer, r);
  }
}
