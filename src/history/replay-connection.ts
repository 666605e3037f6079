/**
 * A LiveConnection fed by a replay session (socket.io namespace /replay) instead of the live stream: the same
 * page-side model and store, so layers, panels and the alarm list show the replayed moment through the code they
 * already use. Read-only: acks and detail streams do nothing. Its store's server epoch starts with "replay-", and
 * `clock` says which moment is shown, so nothing can take it for live data.
 */
import { io, type Socket } from "socket.io-client";
import { createStore, type StoreApi } from "zustand/vanilla";
import type { LayerId } from "../protocol/data";
import { REPLAY_EVENTS, REPLAY_NAMESPACE, ReplayClock, type ReplayStart } from "../protocol/history";
import { AlarmList, Delta, ErrorMsg, PROTOCOL_VERSION, Snapshot, type AlarmEvent } from "../protocol/live";
import type { LiveConnection } from "../live/client";
import { createLivePerf } from "../live/perf";
import { createLiveModel } from "../state/live-store";

export type ReplaySpeedValue = ReplayStart["speed"];

export interface ReplayConnection extends LiveConnection {
  /** the replay clock (t = history time shown) */
  clock: StoreApi<{ t: number; speed: number; playing: boolean; ended: boolean }>;
  seek(t: number): void;
  setSpeed(speed: ReplaySpeedValue): void;
  pause(): void;
  resume(): void;
}

export interface ReplayOptions {
  url: string;
  token?: string;
  layers: LayerId[];
  ids: Partial<Record<LayerId, readonly string[]>>;
  from: number;
  speed: ReplaySpeedValue;
}

export function connectReplay(o: ReplayOptions): ReplayConnection {
  return new ReplaySession(o);
}

type ClockState = { t: number; speed: number; playing: boolean; ended: boolean };

/**
 * Lifecycle: the constructor builds the model and the clock and opens the socket (a session starts on each
 * connect, from the clock's time); `close` closes the socket. Public members are arrow properties or plain data:
 * the app passes them on unbound, as it does a live connection's.
 */
class ReplaySession implements ReplayConnection {
  readonly model = createLiveModel({ staleMs: Number.MAX_SAFE_INTEGER });
  readonly store = this.model.store;
  readonly perf = createLivePerf();
  readonly clock: StoreApi<ClockState>;
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly socket: Socket;
  private speed: ReplaySpeedValue;
  private readonly alarmCbs = new Set<(e: AlarmEvent) => void>();

  constructor(private readonly o: ReplayOptions) {
    for (const l of o.layers) if (o.ids[l]) this.model.ensureLayer(l, o.ids[l]!);
    this.store.setState({ subscribed: [...o.layers] });
    this.clock = createStore<ClockState>(() => ({ t: o.from, speed: o.speed as number, playing: false, ended: false }));
    this.speed = o.speed;
    this.ready = new Promise<void>((r) => (this.resolveReady = r));
    this.socket = io(new URL(REPLAY_NAMESPACE, o.url).toString(), {
      transports: ["websocket"],
      auth: o.token ? { token: o.token } : {},
    });
    this.listen();
  }

  // read-only: no layer changes, acks or detail streams
  readonly subscribe = (): void => {};
  readonly unsubscribe = (): void => {};
  readonly ack = (): void => {};
  readonly detail = (): void => {};
  readonly drainChanges = (layer: LayerId): Uint32Array => this.model.drainChanges(layer);
  readonly digest = (): string => this.model.digest();
  readonly twinNow = (): number => this.clock.getState().t;

  readonly onAlarm = (cb: (e: AlarmEvent) => void): (() => void) => {
    this.alarmCbs.add(cb);
    return () => this.alarmCbs.delete(cb);
  };

  readonly seek = (t: number): void => {
    this.clock.setState({ t });
    this.start(t);
  };

  readonly setSpeed = (s: ReplaySpeedValue): void => {
    this.speed = s;
    this.socket.emit(REPLAY_EVENTS.speed, { v: PROTOCOL_VERSION, speed: s });
  };

  readonly pause = (): void => void this.socket.emit(REPLAY_EVENTS.pause, { v: PROTOCOL_VERSION });
  readonly resume = (): void => void this.socket.emit("replay:resume", { v: PROTOCOL_VERSION });

  readonly close = (): void => {
    this.socket.close();
  };

  private start(from: number): void {
    const start: ReplayStart = { v: PROTOCOL_VERSION, from, speed: this.speed, layers: this.o.layers };
    this.socket.emit(REPLAY_EVENTS.start, start);
  }

  private listen(): void {
    const { socket, store } = this;
    socket.on("connect", () => {
      store.setState({ connection: { state: "connected", since: Date.now() } });
      this.start(this.clock.getState().t);
    });
    socket.on("disconnect", () => store.setState({ connection: { state: "reconnecting", since: Date.now() } }));
    socket.on("snapshot", (raw: unknown) => this.onSnapshot(raw));
    socket.on("delta", (raw: unknown) => {
      const r = Delta.safeParse(raw);
      if (!r.success) return;
      this.model.applyDelta(r.data);
      this.model.commit();
    });
    socket.on("alarms", (raw: unknown) => {
      const r = AlarmList.safeParse(raw);
      if (!r.success) return;
      this.model.applyAlarmList(r.data.alarms);
      this.model.commit();
    });
    socket.on(REPLAY_EVENTS.clock, (raw: unknown, ack?: unknown) => this.onClock(raw, ack));
    socket.on("error", (raw: unknown) => {
      const r = ErrorMsg.safeParse(raw);
      if (r.success) store.setState({ lastError: r.data });
    });
  }

  private onSnapshot(raw: unknown): void {
    const r = Snapshot.safeParse(raw);
    if (!r.success) return;
    const { model, store } = this;
    model.applySnapshot(r.data);
    store.setState({
      server: { serverId: "replay", epoch: r.data.epoch, role: "viewer", simSpeed: 0 },
    });
    model.commit();
    if (this.o.layers.every((l) => store.getState().layers[l]?.ready)) this.resolveReady();
  }

  // handled in order after the deltas before it: acknowledging it tells the session the page has caught up (it
  // holds its clock while more than two are unacknowledged, so a busy page never falls behind a pause)
  private onClock(raw: unknown, ack?: unknown): void {
    const r = ReplayClock.safeParse(raw);
    if (r.success)
      this.clock.setState({ t: r.data.t, speed: r.data.speed, playing: r.data.playing, ended: r.data.ended });
    if (typeof ack === "function") (ack as () => void)();
  }
}
