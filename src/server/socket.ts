/**
 * socket.io side of the gateway: authentication, origin check, per-connection rate limit and message size
 * limit, validation of every client message (zod, version first), subscriptions (rooms L:<layer>), snapshots,
 * resyncs, alarm acks (operator only), per-object detail streams. A rejected message earns an `error` message
 * naming the reason; after `maxStrikes` rejections the connection is dropped. Nothing a client sends can
 * throw out of these handlers.
 */
import type { GatewayServer, GatewaySocket } from "./socket-data";
import { LAYER_IDS, type LayerId } from "../protocol/data";
import {
  CLIENT_MESSAGES,
  EVENTS,
  MAX_CLIENT_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  parseMessage,
  type AckRequest,
  type ClientEvent,
  type DetailSubscribe,
  type ErrorCode,
  type ErrorMsg,
  type Hello,
  type Resync,
  type Subscribe,
  type Unsubscribe,
} from "../protocol/live";
import type { Bus } from "./bus";
import type { Principal, TokenBook } from "./config";
import type { LayerData } from "./layer-data";
import { buildDetail } from "./detail";
import { TokenBucket } from "./ratelimit";
import { SetupQueue } from "./setup-queue";
import { backlogOf, DEFAULT_SEND_BUDGET, SendBudget, type SendBudgetLimits } from "./send-queue";
import { sendSnapshot, SnapshotPacer } from "./snapshot-pacer";
import { ackOf, type LiveState } from "./state";

/** Packets queued for a socket (send-queue.ts); the history replay and the fault tests read it from here. */
export { backlogOf } from "./send-queue";
export { sendSnapshot } from "./snapshot-pacer";

export interface SocketLimits extends SendBudgetLimits {
  /** sustained client messages per second */
  rate: number;
  burst: number;
  /** rejected messages before the connection is dropped */
  maxStrikes: number;
  detailEveryMs: number;
  /** a client whose outgoing backlog exceeds this many packets stops receiving deltas ... */
  backlogHigh: number;
  /** ... until it drains below this, then gets fresh snapshots (bounded memory instead of an endless queue) */
  backlogLow: number;
  /** a client still lagging after this long is disconnected (its reconnect starts from snapshots); 0 = never */
  laggingMaxMs: number;
  /** open socket connections per client address (engine.io handshakes past it are refused) */
  maxConnectionsPerAddress: number;
}
export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  rate: 10,
  burst: 30,
  maxStrikes: 20,
  detailEveryMs: 1000,
  backlogHigh: 600,
  backlogLow: 40,
  laggingMaxMs: 60_000,
  maxConnectionsPerAddress: 32,
  ...DEFAULT_SEND_BUDGET,
};

/** Snapshot requests (subscribe, resync) per layer and connection: at most one per this many ms. */
export const SNAPSHOT_REQUEST_MS = 250;

export interface SocketDeps {
  io: GatewayServer;
  state: LiveState;
  bus: Bus;
  data: LayerData;
  tokens: TokenBook;
  limits: SocketLimits;
  simSpeed: () => number;
  /** current simulated time (ms epoch), undefined when no simulator runs here */
  simNow: () => number | undefined;
  log: (m: string) => void;
}

export const room = (l: LayerId) => `L:${l}`;
export const ALARM_ROOM = "alarms";

/** true when `key` was used less than SNAPSHOT_REQUEST_MS ago (and records the use otherwise) */
function tooSoon(last: Map<LayerId, number>, key: LayerId, now: number): boolean {
  if (now - (last.get(key) ?? 0) < SNAPSHOT_REQUEST_MS) return true;
  last.set(key, now);
  return false;
}

function approxSize(args: unknown[]): number {
  try {
    return JSON.stringify(args)?.length ?? 0;
  } catch {
    return Infinity;
  }
}

export function attachSocketHandlers(d: SocketDeps): void {
  const setup = new SetupQueue();
  d.io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const raw = auth?.token ?? socket.handshake.query?.token;
    if (raw !== undefined && raw !== null && typeof raw !== "string")
      return next(new Error("unauthorized: the token must be a string"));
    const token = raw ?? undefined;
    const p = d.tokens.resolve(token);
    if (!p) return next(new Error(token ? "unauthorized: unknown token" : "unauthorized: a token is required"));
    socket.data.principal = p;
    next();
  });
  d.io.on("connection", (socket: GatewaySocket) => void new ClientSession(socket, d, setup));
}

/**
 * One client connection: hello and the alarm list on connect, then every client message validated (rate limit,
 * known event, size, schema) and handled by its named method; a rejected message earns an `error` and a strike.
 * Lifecycle: the constructor registers the socket's handlers; on disconnect the detail timer is stopped (the
 * socket's own handlers go with the socket).
 */
class ClientSession {
  private readonly principal: Principal;
  private readonly bucket: TokenBucket;
  private strikes = 0;
  private detailTimer?: NodeJS.Timeout;
  private readonly lastResync = new Map<LayerId, number>();
  private readonly lastSubscribe = new Map<LayerId, number>();
  private readonly pacer: SnapshotPacer;
  private readonly handlers: { [E in ClientEvent]: (msg: never) => void } = {
    [EVENTS.subscribe]: (m: Subscribe) => this.subscribe(m),
    [EVENTS.unsubscribe]: (m: Unsubscribe) => this.unsubscribe(m),
    [EVENTS.resync]: (m: Resync) => this.resync(m),
    [EVENTS.ack]: (m: AckRequest) => this.ack(m),
    [EVENTS.detailSubscribe]: (m: DetailSubscribe) => this.detailSubscribe(m),
    [EVENTS.detailUnsubscribe]: () => this.stopDetail(),
  };

  constructor(
    private readonly socket: GatewaySocket,
    private readonly d: SocketDeps,
    setup: SetupQueue,
  ) {
    const { state } = d;
    this.principal = socket.data.principal ?? d.tokens.resolve(undefined) ?? { role: "viewer", name: "recovered" };
    socket.data.principal = this.principal;
    this.bucket = new TokenBucket(d.limits.rate, d.limits.burst);
    this.pacer = new SnapshotPacer(socket, (l) => state.layers[l].snapshot(d.bus.epoch, Date.now()));
    socket.data.snapshots = this.pacer;
    if (!socket.recovered) this.sendHello();
    // the alarm list is the one large message every new socket gets: sent in slices (SetupQueue) so a burst of
    // handshakes does not encode it dozens of times in one turn. A recovered session gets it too: alarm events are
    // emitted per gateway to its own sockets (see Broadcaster), so a session recovered on ANOTHER gateway has not
    // seen them all
    setup.add(() => {
      if (!socket.connected) return;
      void socket.join(ALARM_ROOM);
      socket.emit(EVENTS.alarms, state.alarms.message(d.bus.epoch));
    });
    socket.onAny((event: unknown, ...args: unknown[]) => this.receive(event, args));
    socket.on("disconnect", () => this.stopDetail());
  }

  private reject(code: ErrorCode, reason: string, event?: string): void {
    const { socket } = this;
    const msg: ErrorMsg = { v: PROTOCOL_VERSION, code, reason, ...(event ? { event: event.slice(0, 64) } : {}) };
    socket.emit(EVENTS.error, msg);
    this.strikes++;
    if (this.strikes < this.d.limits.maxStrikes) return;
    socket.emit(EVENTS.error, {
      v: PROTOCOL_VERSION,
      code: "rate_limited",
      reason: `too many rejected messages (${this.strikes}); disconnecting`,
    } satisfies ErrorMsg);
    socket.disconnect(true);
  }

  private sendHello(): void {
    const { d } = this;
    const { state } = d;
    const hello: Hello = {
      v: PROTOCOL_VERSION,
      serverId: d.bus.serverId,
      epoch: d.bus.epoch,
      role: this.principal.role,
      layers: [...LAYER_IDS],
      simSpeed: d.simSpeed(),
      idsHash: Object.fromEntries(LAYER_IDS.map((l) => [l, state.layers[l].idsHash])),
    };
    const simMs = d.simNow();
    if (simMs !== undefined) hello.clock = { simMs, wallMs: Date.now(), speed: d.simSpeed() };
    this.socket.emit(EVENTS.hello, hello);
  }

  /** rate limit, known event, size, shape, schema; then the event's handler. Nothing here can throw out. */
  private receive(event: unknown, args: unknown[]): void {
    const { limits } = this.d;
    try {
      if (!this.bucket.take())
        return this.reject("rate_limited", "too many messages (limit " + limits.rate + "/s)", String(event));
      if (typeof event !== "string" || !Object.hasOwn(CLIENT_MESSAGES, event))
        return this.reject(
          "unknown_event",
          `unknown event ${JSON.stringify(String(event)).slice(0, 64)}`,
          String(event),
        );
      if (approxSize(args) > MAX_CLIENT_MESSAGE_BYTES)
        return this.reject("too_large", `message larger than ${MAX_CLIENT_MESSAGE_BYTES} bytes`, event);
      if (args.length !== 1 && !(args.length === 2 && typeof args[1] === "function"))
        return this.reject("invalid", "expected exactly one message object", event);
      const ev = event as ClientEvent;
      const r = parseMessage(CLIENT_MESSAGES[ev], args[0]);
      if (!r.ok) return this.reject(r.code, `${event}: ${r.reason}`, event);
      (this.handlers[ev] as (m: unknown) => void)(r.value);
    } catch (e) {
      this.d.log(`socket handler error (${String(event)}): ${(e as Error).message}`);
      this.reject("invalid", "message could not be processed", String(event));
    }
  }

  private subscribe(m: Subscribe): void {
    const { socket, d } = this;
    const now = Date.now();
    const early = m.layers.find((l) => tooSoon(this.lastSubscribe, l, now));
    if (early)
      return this.reject(
        "rate_limited",
        `subscribe ${early}: at most ${1000 / SNAPSHOT_REQUEST_MS} per second per layer`,
        EVENTS.subscribe,
      );
    for (const l of m.layers) {
      const lagging = socket.data.lagging;
      if (lagging) {
        if (!lagging.includes(l)) lagging.push(l);
      } else void socket.join(room(l));
      const mine = d.state.layers[l].idsHash;
      const theirs = m.idsHash?.[l];
      if (theirs !== undefined && theirs !== mine)
        socket.emit(EVENTS.error, {
          v: PROTOCOL_VERSION,
          code: "ids_mismatch",
          reason: `${l}: client data ${theirs} differs from gateway data ${mine}; reload the page`,
          event: EVENTS.subscribe,
        } satisfies ErrorMsg);
      if (!lagging) this.pacer.request(l); // a lagging socket gets its snapshot when its backlog has drained
    }
    socket.emit(EVENTS.alarms, d.state.alarms.message(d.bus.epoch));
  }

  private unsubscribe(m: Unsubscribe): void {
    const { socket } = this;
    const lagging = socket.data.lagging;
    if (lagging) socket.data.lagging = lagging.filter((l) => !m.layers.includes(l));
    for (const l of m.layers) {
      void socket.leave(room(l));
      this.pacer.cancel(l);
    }
  }

  private resync(m: Resync): void {
    const lagging = this.socket.data.lagging;
    if (lagging?.includes(m.layer)) return; // a snapshot follows when its backlog has drained
    if (!this.socket.rooms.has(room(m.layer)))
      return this.reject("invalid", `resync ${m.layer}: not subscribed to this layer`, EVENTS.resync);
    if (tooSoon(this.lastResync, m.layer, Date.now()))
      return this.reject(
        "rate_limited",
        `resync ${m.layer}: at most ${1000 / SNAPSHOT_REQUEST_MS} per second`,
        EVENTS.resync,
      );
    this.pacer.request(m.layer);
  }

  private ack(m: AckRequest): void {
    const { principal, d } = this;
    if (principal.role !== "operator")
      return this.reject("forbidden", `role ${principal.role} may not acknowledge alarms (needs operator)`, EVENTS.ack);
    const a = d.state.alarms.get(m.alarmId);
    if (!a) return this.reject("not_found", `alarm ${m.alarmId} not found`, EVENTS.ack);
    if (a.ackedAt !== undefined) return;
    void d.bus
      .publish([{ t: "a", op: "ack", alarm: ackOf(a, principal.name, d.simNow()) }])
      .catch((e) => d.log(`ack publish: ${(e as Error).message}`));
  }

  private detailSubscribe(m: DetailSubscribe): void {
    const { d } = this;
    const i = d.state.layers[m.layer].index.get(m.objectId);
    if (i === undefined)
      return this.reject("unknown_object", `${m.layer}: no object ${m.objectId}`, EVENTS.detailSubscribe);
    this.stopDetail();
    const send = () => this.socket.emit(EVENTS.detail, buildDetail(d.state, d.data, m.layer, i, Date.now()));
    send();
    this.detailTimer = setInterval(send, d.limits.detailEveryMs);
  }

  private stopDetail(): void {
    if (this.detailTimer) clearInterval(this.detailTimer);
    this.detailTimer = undefined;
  }
}

/**
 * Slow-client guard (runs on every gateway for its own sockets): a client that cannot keep up is taken out of
 * its layer rooms and the alarm room (no more deltas or alarm events pile up for it); once its backlog has
 * drained it rejoins, gets a fresh snapshot per layer and the full alarm list. A client that stays stuck for
 * `laggingMaxMs` is disconnected (a dead peer's queue is freed; a live one reconnects and starts from
 * snapshots). Memory stays bounded and the client ends equal to the gateway. A socket that was just sent a
 * snapshot is not judged until it had time to take it in (see sendSnapshot).
 */
export class BackpressureGuard {
  private timer?: NodeJS.Timeout;
  lagged = 0;
  /** clients disconnected for lagging longer than laggingMaxMs */
  dropped = 0;
  /** per-socket and total caps on queued bytes */
  readonly budget: SendBudget;
  constructor(
    private readonly io: GatewayServer,
    private readonly state: LiveState,
    private readonly bus: Bus,
    private readonly limits: SocketLimits,
    private readonly everyMs = 250,
  ) {
    this.budget = new SendBudget(limits);
  }
  start(): void {
    this.timer = setInterval(() => this.check(), this.everyMs);
  }
  check(): void {
    if (this.limits.maxQueuedBytes > 0) this.budget.check(this.io);
    for (const socket of this.io.of("/").sockets.values()) {
      if (socket.disconnected) continue;
      const backlog = backlogOf(socket);
      const lagging = socket.data.lagging;
      if (!lagging && backlog > this.limits.backlogHigh && !this.inGrace(socket)) this.cutOff(socket);
      else if (lagging && backlog <= this.limits.backlogLow) this.rejoin(socket, lagging);
      else if (lagging && this.stuckTooLong(socket)) {
        this.dropped++;
        socket.disconnect(true);
      }
      socket.data.snapshots?.pump();
    }
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private inGrace(socket: GatewaySocket): boolean {
    return Date.now() < (socket.data.graceUntil ?? 0);
  }
  private stuckTooLong(socket: GatewaySocket): boolean {
    return (
      this.limits.laggingMaxMs > 0 && Date.now() - (socket.data.laggingSince ?? Date.now()) > this.limits.laggingMaxMs
    );
  }
  /** out of its layer rooms and the alarm room: nothing more queues for it while it lags */
  private cutOff(socket: GatewaySocket): void {
    const layers = LAYER_IDS.filter((l) => socket.rooms.has(room(l)));
    socket.data.lagging = layers;
    socket.data.laggingSince = Date.now();
    socket.data.laggingAlarms = socket.rooms.has(ALARM_ROOM);
    for (const l of layers) void socket.leave(room(l));
    void socket.leave(ALARM_ROOM);
    this.lagged++;
  }
  /** drained: back into its rooms with a fresh snapshot per layer and the alarm list */
  private rejoin(socket: GatewaySocket, lagging: LayerId[]): void {
    socket.data.lagging = undefined;
    const pacer = socket.data.snapshots;
    for (const l of lagging) {
      void socket.join(room(l));
      if (pacer) pacer.request(l);
      else sendSnapshot(socket, this.state.layers[l].snapshot(this.bus.epoch, Date.now()));
    }
    if (socket.data.laggingAlarms) {
      void socket.join(ALARM_ROOM);
      socket.emit(EVENTS.alarms, this.state.alarms.message(this.bus.epoch));
    }
  }
}

/**
 * Broadcasting. Deltas: leader only, every tick, to all gateways' sockets through the adapter (a change of
 * leader shows up as a seq gap at worst, which clients heal by resync). Alarm events: EVERY gateway emits each
 * alarm event it applies from the bus to its OWN sockets (io.local). Alarm events carry no seq, so they must not
 * depend on who is leader at the instant of applying: when leadership moves (e.g. Redis restarted and the lock
 * expired), the old leader may apply an event after losing the lock and the new one before taking it — with
 * leader-only emission nobody would send it (found by tests/faults/redis.test.ts). Every gateway applies every
 * bus event exactly once, so every client gets every alarm event exactly once.
 */
export class Broadcaster {
  private timer?: NodeJS.Timeout;
  private readonly offAlarm: () => void;
  constructor(
    private readonly io: GatewayServer,
    private readonly state: LiveState,
    private readonly bus: Bus,
    private readonly everyMs = 50,
  ) {
    this.offAlarm = state.onAlarm((op, alarm) => {
      io.local.to(ALARM_ROOM).emit(EVENTS.alarm, { v: PROTOCOL_VERSION, op, alarm });
    });
  }
  start(): void {
    this.timer = setInterval(() => this.flush(), this.everyMs);
  }
  /** Emit (leader) or discard (follower) the pending delta of every layer. */
  flush(): void {
    const now = Date.now();
    const leader = this.bus.isLeader();
    for (const l of LAYER_IDS) {
      const delta = this.state.layers[l].flush(this.bus.epoch, now);
      if (delta && leader) this.io.to(room(l)).emit(EVENTS.delta, delta);
    }
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.offAlarm();
  }
}
