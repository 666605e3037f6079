/**
 * The event bus every state change goes through. Sources (simulator, ingest, operator acks) PUBLISH BusEvents;
 * every gateway CONSUMES them in one global order and applies them to its LiveState, so all gateways hold the
 * same state, seq and digest.
 *  - LocalBus: one process; publish applies synchronously. Always leader.
 *  - RedisBus (REDIS_URL): events are XADDed to a Redis stream and every gateway XREADs it. A leader lock
 *    (SET NX PX, renewed) picks the one gateway that runs the simulator and broadcasts deltas/alarms through
 *    the socket.io Redis Streams adapter. The leader writes a checkpoint (state + stream id) every 2 s, so a
 *    gateway that (re)starts loads the checkpoint and replays the stream from there.
 */
import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import type { BusEvent, Checkpoint } from "./state";

export interface BusHandlers {
  apply(ev: BusEvent): void;
  /** RedisBus: state to persist in checkpoints; load it on start */
  checkpoint(): Checkpoint;
  load(c: Checkpoint): void;
  onLeader(leader: boolean): void;
}

export interface Bus {
  readonly kind: "local" | "redis";
  readonly serverId: string;
  epoch: string;
  start(h: BusHandlers): Promise<void>;
  publish(events: BusEvent[]): Promise<void>;
  isLeader(): boolean;
  /** shared key-value for small coordination data (sim clock) */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

export class LocalBus implements Bus {
  readonly kind = "local" as const;
  readonly serverId = `gw-${randomBytes(4).toString("hex")}`;
  epoch = `local-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  private h?: BusHandlers;
  private readonly meta = new Map<string, string>();
  async start(h: BusHandlers): Promise<void> {
    this.h = h;
    h.onLeader(true);
  }
  async publish(events: BusEvent[]): Promise<void> {
    for (const e of events) this.h?.apply(e);
  }
  isLeader(): boolean {
    return true;
  }
  async getMeta(key: string) {
    return this.meta.get(key);
  }
  async setMeta(key: string, value: string) {
    this.meta.set(key, value);
  }
  async close(): Promise<void> {}
}

type RedisClient = ReturnType<typeof createClient>;

export interface RedisBusOptions {
  url: string;
  prefix?: string;
  lockTtlMs?: number;
  checkpointEveryMs?: number;
  maxLen?: number;
  log?: (msg: string) => void;
}

const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export class RedisBus implements Bus {
  readonly kind = "redis" as const;
  readonly serverId = `gw-${randomBytes(4).toString("hex")}`;
  epoch = "";
  readonly pub: RedisClient;
  private readonly sub: RedisClient;
  private readonly k: { stream: string; lock: string; checkpoint: string; epoch: string; meta: string };
  private h?: BusHandlers;
  private lastId = "0";
  private leader = false;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private readLoop?: Promise<void>;
  private readonly o: Required<Omit<RedisBusOptions, "log">> & { log: (m: string) => void };

  constructor(opts: RedisBusOptions) {
    this.o = { prefix: "rongtwin:", lockTtlMs: 3000, checkpointEveryMs: 2000, maxLen: 20000, log: () => {}, ...opts };
    const p = this.o.prefix;
    this.k = {
      stream: `${p}bus`,
      lock: `${p}leader`,
      checkpoint: `${p}checkpoint`,
      epoch: `${p}epoch`,
      meta: `${p}meta`,
    };
    const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 2000);
    this.pub = createClient({ url: opts.url, socket: { reconnectStrategy } });
    this.sub = createClient({ url: opts.url, socket: { reconnectStrategy } });
    this.pub.on("error", (e: Error) => this.o.log(`redis: ${e.message}`));
    this.sub.on("error", (e: Error) => this.o.log(`redis (reader): ${e.message}`));
  }

  async start(h: BusHandlers): Promise<void> {
    this.h = h;
    await Promise.all([this.pub.connect(), this.sub.connect()]);
    await this.pub.set(this.k.epoch, `redis-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`, {
      condition: "NX",
    });
    this.epoch = (await this.pub.get(this.k.epoch)) ?? "redis";
    const cp = await this.pub.get(this.k.checkpoint);
    if (cp) {
      try {
        const parsed = JSON.parse(cp) as { streamId: string; state: Checkpoint };
        h.load(parsed.state);
        this.lastId = parsed.streamId;
      } catch (e) {
        this.o.log(`ignoring unreadable checkpoint: ${(e as Error).message}`);
      }
    }
    // catch up synchronously before serving, so the first snapshot is current
    await this.readOnce(0);
    this.readLoop = this.loop();
    await this.elect();
    this.timers.push(
      setInterval(
        () => void this.elect().catch((e) => this.o.log(`leader election: ${(e as Error).message}`)),
        Math.floor(this.o.lockTtlMs / 3),
      ),
    );
    this.timers.push(
      setInterval(
        () => void this.writeCheckpoint().catch((e) => this.o.log(`checkpoint: ${(e as Error).message}`)),
        this.o.checkpointEveryMs,
      ),
    );
  }

  private async readOnce(block: number): Promise<number> {
    const res = (await this.sub.xRead(
      { key: this.k.stream, id: this.lastId },
      block > 0 ? { BLOCK: block, COUNT: 500 } : { COUNT: 100000 },
    )) as { name: string; messages: { id: string; message: Record<string, string> }[] }[] | null;
    if (!res) return 0;
    let n = 0;
    for (const stream of res) {
      for (const msg of stream.messages) {
        this.lastId = msg.id;
        n++;
        let events: BusEvent[];
        try {
          events = JSON.parse(msg.message.e) as BusEvent[];
        } catch {
          this.o.log(`skipping unreadable bus entry ${msg.id}`);
          continue;
        }
        for (const e of events) this.h!.apply(e);
      }
    }
    return n;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      try {
        await this.readOnce(1000);
      } catch (e) {
        if (this.closed) return;
        this.o.log(`bus read: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async elect(): Promise<void> {
    if (this.closed) return;
    let now: boolean;
    if (this.leader)
      now =
        Number(
          await this.pub.eval(RENEW, { keys: [this.k.lock], arguments: [this.serverId, String(this.o.lockTtlMs)] }),
        ) === 1;
    else
      now =
        (await this.pub.set(this.k.lock, this.serverId, {
          condition: "NX",
          expiration: { type: "PX", value: this.o.lockTtlMs },
        })) === "OK";
    if (now !== this.leader) {
      this.leader = now;
      this.o.log(
        now
          ? `${this.serverId} is now the leader (runs the simulator, broadcasts)`
          : `${this.serverId} lost leadership`,
      );
      this.h?.onLeader(now);
    }
  }

  private async writeCheckpoint(): Promise<void> {
    if (!this.leader || this.closed || !this.h) return;
    const body = JSON.stringify({ streamId: this.lastId, state: this.h.checkpoint() });
    await this.pub.set(this.k.checkpoint, body);
  }

  async publish(events: BusEvent[]): Promise<void> {
    if (!events.length) return;
    await this.pub.xAdd(
      this.k.stream,
      "*",
      { e: JSON.stringify(events) },
      { TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: this.o.maxLen } },
    );
  }

  isLeader(): boolean {
    return this.leader;
  }
  async getMeta(key: string) {
    return (await this.pub.hGet(this.k.meta, key)) ?? undefined;
  }
  async setMeta(key: string, value: string) {
    await this.pub.hSet(this.k.meta, key, value);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    try {
      if (this.leader) await this.pub.eval(RELEASE, { keys: [this.k.lock], arguments: [this.serverId] });
    } catch {
      /* redis may be gone */
    }
    this.sub.destroy();
    await this.readLoop?.catch(() => {});
    try {
      this.pub.destroy();
    } catch {
      /* ignore */
    }
  }
}
