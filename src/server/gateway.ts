/**
 * createGateway: fastify 5 + socket.io on the same http server, the live state, the event bus (local or
 * Redis), the simulator (leader only), the broadcaster (leader only), REST API and — when a built app exists —
 * static files with SPA fallback. Tests run it in-process on port 0.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import Fastify, { type FastifyInstance } from "fastify";
import { createClient } from "redis";
import { Server } from "socket.io";
import type { GatewayServer } from "./socket-data";
import { LocalBus, RedisBus, type Bus } from "./bus";
import { DEV_TOKENS, TokenBook, type TokensConfig } from "./config";
import { loadLayerData, layerIds, type LayerData } from "./layer-data";
import { registerRest } from "./rest";
import { ROUTES, type RoutePlugin } from "./routes";
import { Admission } from "./admission";
import { ProcessMonitor } from "./process-monitor";
import { frameworkErrors, HostPolicy, installSecurityHeaders, OriginPolicy } from "./security";
import { SimRunner } from "./sim/runner";
import { Feeds, type FeedsOptions } from "./sources/feeds";
import { SyntheticSource, scaleLayerData } from "./sim/synthetic";
import {
  attachSocketHandlers,
  BackpressureGuard,
  Broadcaster,
  DEFAULT_SOCKET_LIMITS,
  type SocketLimits,
} from "./socket";
import { LiveState } from "./state";
import { attachReplay } from "./history/replay";
import { registerHistoryRoutes } from "./history/routes";
import { HistoryService, type HistoryOptions } from "./history/service";
import { registerDataFiles } from "./data-files";

export interface GatewayOptions {
  /** default 0 (random) */
  port?: number;
  host?: string;
  /** layer data directory (default public/data) or the data itself */
  dataDir?: string;
  data?: LayerData;
  /** serve the built app from here if it exists (production) */
  staticDir?: string;
  /** sim | ingest | both | synthetic (default sim; ingest API is accepted for "ingest" and "both") */
  source?: "sim" | "ingest" | "both" | "synthetic";
  /** source "synthetic": updates per second (default 1000) and optionally the data scaled to this many objects */
  synthRate?: number;
  synthObjects?: number;
  /** socket.io parser (default JSON; "msgpack" = socket.io-msgpack-parser, clients must match) */
  parser?: "json" | "msgpack";
  simSpeed?: number;
  simSeed?: number;
  simStartMs?: number;
  /** real ms between routine reports of one simulated object (default 3000) */
  simReportMs?: number;
  redisUrl?: string;
  /** Redis key prefix (several independent deployments / tests on one Redis) */
  redisPrefix?: string;
  tokens?: TokensConfig | TokenBook;
  origins?: string[];
  /** Host names the gateway answers to (RONGTWIN_HOSTS; default: the bound host and loopback names; "*" = any) */
  hosts?: string[];
  /** development mode: vite dev-server origins allowed (default true; main.ts passes false in production) */
  dev?: boolean;
  /** the planner scenarios' SQLite file (default var/scenarios.db) */
  scenarioDb?: string;
  /** delta batching period, ms (default 50 = 20 Hz) */
  batchMs?: number;
  limits?: Partial<SocketLimits>;
  /** fastify bodyLimit for REST (default 1 MiB) */
  bodyLimit?: number;
  /** socket.io maxHttpBufferSize (default 64 KiB) */
  maxHttpBufferSize?: number;
  /** connection-state-recovery window (default 2 min) */
  recoveryMs?: number;
  extraRoutes?: (app: FastifyInstance) => void | Promise<void>;
  /** real feeds: MQTT bridge and/or OCPP central system (sources/feeds.ts) */
  feeds?: FeedsOptions;
  /** record history (SQLite file or postgres:// URL, see src/server/history); absent = no history */
  history?: HistoryOptions;
  log?: (m: string) => void;
}

export interface Gateway {
  app: FastifyInstance;
  io: GatewayServer;
  state: LiveState;
  bus: Bus;
  data: LayerData;
  port: number;
  url: string;
  runner?: SimRunner;
  synthetic?: SyntheticSource;
  guard: BackpressureGuard;
  admission: Admission;
  feeds: Feeds;
  history?: HistoryService;
  close(): Promise<void>;
}

/** socket.io-msgpack-parser (CommonJS: the namespace or its default export carries Encoder/Decoder) */
async function msgpackParser(): Promise<object> {
  const mod = (await import("socket.io-msgpack-parser")) as object & { default?: object };
  return "Encoder" in mod ? mod : (mod.default ?? mod);
}

/** socket.io on the fastify server: admission before the upgrade, Redis adapter when several gateways share a bus */
async function createSocketServer(
  app: FastifyInstance,
  admission: Admission,
  opts: GatewayOptions,
  log: (m: string) => void,
): Promise<{ io: GatewayServer; adapterClient?: ReturnType<typeof createClient> }> {
  let adapterClient: ReturnType<typeof createClient> | undefined;
  if (opts.redisUrl) {
    adapterClient = createClient({
      url: opts.redisUrl,
      socket: { reconnectStrategy: (n: number) => Math.min(100 * 2 ** n, 2000) },
    });
    adapterClient.on("error", (e: Error) => log(`redis (adapter): ${e.message}`));
    await adapterClient.connect();
  }
  const io: GatewayServer = new Server(app.server, {
    maxHttpBufferSize: opts.maxHttpBufferSize ?? 64 * 1024,
    allowRequest: admission.allowRequest,
    connectionStateRecovery: { maxDisconnectionDuration: opts.recoveryMs ?? 2 * 60_000, skipMiddlewares: true },
    ...(adapterClient
      ? { adapter: createAdapter(adapterClient, { streamName: `${opts.redisPrefix ?? "rongtwin:"}sio` }) }
      : {}),
    serveClient: false,
    // heartbeat: a wall page whose main thread is busy (weak GPU: ~2 s a frame; an alarm storm) answered pings late
    // and was dropped with "ping timeout" every ~50 s in the x600 soak; 25 s + 45 s keeps it while dead peers are
    // still found within 70 s (the slow-client guard bounds what a stuck one can queue)
    pingInterval: 25_000,
    pingTimeout: 45_000,
    ...(opts.parser === "msgpack" ? { parser: await msgpackParser() } : {}),
  });

  return { io, adapterClient };
}

/** the simulated sources: the synthetic load generator, or the simulator (unless only real feeds and ingest) */
function createSources(
  data: LayerData,
  bus: Bus,
  state: LiveState,
  feeds: Feeds,
  opts: GatewayOptions,
  log: (m: string) => void,
): { synthetic?: SyntheticSource; runner?: SimRunner } {
  const source = opts.source ?? "sim";
  const synthetic =
    source === "synthetic"
      ? new SyntheticSource(data, bus, { rate: opts.synthRate ?? 1000, seed: opts.simSeed, log })
      : undefined;
  if (source === "ingest" || source === "synthetic") return { synthetic };
  const runner = new SimRunner(
    data,
    bus,
    {
      seed: opts.simSeed ?? 20260101,
      speed: opts.simSpeed ?? 1,
      startMs: opts.simStartMs ?? Date.now(),
      reportRealMs: opts.simReportMs,
      log,
      // objects fed by a real source (MQTT, OCPP) are not also moved by the simulator
      filter: (events) => feeds.sink.claims.filter(events),
    },
    () => state.paused,
    () => state.alarms.list().filter((a) => a.clearedAt === undefined),
  );
  return { synthetic, runner };
}

/** the built app: hashed assets cached for a year, every other page path answered with index.html */
async function serveApp(app: FastifyInstance, staticDir: string, log: (m: string) => void): Promise<void> {
  if (!existsSync(join(staticDir, "index.html")))
    return log(`no built app in ${staticDir} (run vite build); serving the API only`);
  await app.register(fastifyStatic, {
    root: staticDir,
    wildcard: true,
    setHeaders: (res, path) => {
      if (/[\\/]assets[\\/]/.test(path)) res.header("cache-control", "public, max-age=31536000, immutable");
      else res.header("cache-control", "no-cache");
    },
  });
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split("?")[0];
    if (req.method === "GET" && !url.startsWith("/api/") && !url.startsWith("/socket.io") && !/\.[a-z0-9]+$/i.test(url))
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    return reply.code(404).send({ error: "not_found", reason: `${req.method} ${url}` });
  });
}

function destroyQuietly(client: ReturnType<typeof createClient> | undefined): void {
  try {
    client?.destroy();
  } catch {
    /* ignore */
  }
}

/** fastify with the Host check and the security headers */
function createHttpServer(hosts: HostPolicy, bodyLimit = 1024 * 1024): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit, forceCloseConnections: true, frameworkErrors });
  hosts.install(app);
  installSecurityHeaders(app);
  return app;
}

type RedisClient = ReturnType<typeof createClient>;

/** what a gateway is built on before its socket server exists: policies, live state, bus and the HTTP server */
interface GatewayBase {
  log: (m: string) => void;
  data: LayerData;
  tokens: TokenBook;
  origins: OriginPolicy;
  limits: SocketLimits;
  state: LiveState;
  bus: Bus;
  admission: Admission;
  app: FastifyInstance;
  startedAt: number;
}

function gatewayBase(opts: GatewayOptions): GatewayBase {
  const log = opts.log ?? ((m: string) => console.log(`[gateway] ${m}`));
  const loaded = opts.data ?? loadLayerData(opts.dataDir ?? "public/data");
  const data = opts.source === "synthetic" && opts.synthObjects ? scaleLayerData(loaded, opts.synthObjects) : loaded;
  const tokens = opts.tokens instanceof TokenBook ? opts.tokens : new TokenBook(opts.tokens ?? DEV_TOKENS);
  const origins = new OriginPolicy(opts.origins ?? [], opts.dev ?? true);
  const state = new LiveState(layerIds(data));
  const bus: Bus = opts.redisUrl ? new RedisBus({ url: opts.redisUrl, prefix: opts.redisPrefix, log }) : new LocalBus();
  const startedAt = Date.now();
  const limits: SocketLimits = { ...DEFAULT_SOCKET_LIMITS, ...opts.limits };
  const hosts = new HostPolicy(opts.hosts ?? [], opts.host ?? "127.0.0.1");
  const admission = new Admission(hosts, origins, limits.maxConnectionsPerAddress, log);
  const app = createHttpServer(hosts, opts.bodyLimit);
  return { log, data, tokens, origins, limits, state, bus, admission, app, startedAt };
}

/**
 * One gateway process's server: built from its options (sockets and REST attached), then started once (routes,
 * bus, timers, listen) and closed once — the sources first, the bus last.
 */
class GatewayRuntime implements Gateway {
  readonly app: FastifyInstance;
  readonly state: LiveState;
  readonly bus: Bus;
  readonly data: LayerData;
  readonly admission: Admission;
  readonly feeds: Feeds;
  readonly runner?: SimRunner;
  readonly synthetic?: SyntheticSource;
  readonly guard: BackpressureGuard;
  history?: HistoryService;
  port = 0;
  url = "";
  private readonly log: (m: string) => void;
  private readonly tokens: TokenBook;
  /** simulated ms per real ms; 0 without a simulator */
  private readonly simSpeed: number;
  private readonly broadcaster: Broadcaster;
  private readonly monitor: ProcessMonitor;
  private closed = false;

  constructor(
    private readonly opts: GatewayOptions,
    base: GatewayBase,
    readonly io: GatewayServer,
    private readonly adapterClient?: RedisClient,
  ) {
    ({ app: this.app, state: this.state, bus: this.bus, data: this.data, admission: this.admission } = base);
    ({ log: this.log, tokens: this.tokens } = base);
    this.feeds = new Feeds(opts.feeds ?? {}, { state: this.state, bus: this.bus, data: this.data, log: this.log });
    ({ synthetic: this.synthetic, runner: this.runner } = createSources(
      this.data,
      this.bus,
      this.state,
      this.feeds,
      opts,
      this.log,
    ));
    this.simSpeed = this.runner ? (opts.simSpeed ?? 1) : 0;
    this.admission.track(io);
    this.attachSockets(base.limits);
    this.broadcaster = new Broadcaster(io, this.state, this.bus, opts.batchMs ?? 50);
    this.guard = new BackpressureGuard(io, this.state, this.bus, base.limits);
    this.monitor = new ProcessMonitor();
    this.registerRest(base);
  }

  private attachSockets(limits: SocketLimits): void {
    const runner = this.runner;
    attachSocketHandlers({
      io: this.io,
      state: this.state,
      bus: this.bus,
      data: this.data,
      tokens: this.tokens,
      limits,
      simSpeed: () => this.simSpeed,
      simNow: () => (runner?.running ? runner.simNow() : undefined),
      log: this.log,
    });
  }

  private registerRest(base: GatewayBase): void {
    const { guard, runner, monitor, feeds, io } = this;
    registerRest(this.app, {
      process: () => monitor.report(),
      slowClients: () => ({ lagged: guard.lagged, dropped: guard.dropped, overBudget: guard.budget.dropped }),
      state: this.state,
      bus: this.bus,
      tokens: this.tokens,
      origins: base.origins,
      startedAt: base.startedAt,
      acceptIngest: (this.opts.source ?? "sim") !== "sim",
      sim: () => ({
        enabled: !!runner,
        running: !!runner?.running,
        speed: this.opts.simSpeed ?? 1,
        simTime: runner?.simNow(),
      }),
      clients: () => io.engine.clientsCount,
      ...(feeds.any ? { feeds: () => feeds.health() } : {}),
    });
  }

  /** Register the remaining routes, start the bus and the timers, and listen. */
  async start(): Promise<void> {
    await this.registerRoutes();
    await this.startBus();
    this.broadcaster.start();
    this.guard.start();
    this.monitor.start();
    this.feeds.start(this.app, this.tokens);
    this.history?.start();
    await this.app.listen({ port: this.opts.port ?? 0, host: this.opts.host ?? "127.0.0.1" });
    const addr = this.app.server.address();
    this.port = typeof addr === "object" && addr ? addr.port : (this.opts.port ?? 0);
    this.url = `http://127.0.0.1:${this.port}`;
  }

  /** history, route plugins, extra routes, data files and the built app (in this order: the app is the fallback) */
  private async registerRoutes(): Promise<void> {
    const { app, opts, tokens, state, log } = this;
    if (opts.history) this.history = await this.openHistory(opts.history);
    for (const plugin of ROUTES as RoutePlugin[])
      await plugin(app, { tokens, state, log, scenarioDb: opts.scenarioDb });
    if (opts.extraRoutes) await opts.extraRoutes(app);
    if (opts.dataDir && !opts.data) await registerDataFiles(app, opts.dataDir);
    if (opts.staticDir) await serveApp(app, opts.staticDir, log);
  }

  /** the history store: its routes, the replay namespace, and the state restored from its last checkpoint */
  private async openHistory(options: HistoryOptions): Promise<HistoryService> {
    const history = await HistoryService.open({ log: this.log, ...options }, this.state, this.data, this.bus);
    registerHistoryRoutes(this.app, { history, tokens: this.tokens, data: this.data });
    attachReplay(this.io, history, this.tokens);
    await history.restore(this.simSpeed, this.log);
    return history;
  }

  /** starts the bus: events go to the history and the state; the leader runs the simulated sources and feeds */
  private async startBus(): Promise<void> {
    const { state } = this;
    await this.bus.start({
      apply: (ev) => {
        this.history?.record(ev);
        state.apply(ev);
      },
      checkpoint: () => state.toCheckpoint(),
      load: (c) => state.loadCheckpoint(c),
      onLeader: (leader) => this.onLeader(leader),
    });
  }

  private onLeader(leader: boolean): void {
    this.feeds.onLeader(leader);
    if (this.synthetic) {
      if (leader) this.synthetic.start();
      else this.synthetic.stop();
    }
    if (!this.runner) return;
    if (leader) void this.runner.start().catch((e) => this.log(`simulator start failed: ${(e as Error).message}`));
    else this.runner.stop();
  }

  /** stops what start() started, sources first, the bus last; safe to call twice or after a failed start */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const log = this.log;
    await this.feeds.stop().catch((e: unknown) => log(`stopping feeds: ${(e as Error).message}`));
    this.runner?.stop();
    this.synthetic?.stop();
    await this.history?.close().catch((e: unknown) => log(`history close: ${(e as Error).message}`));
    this.broadcaster.stop();
    this.guard.stop();
    this.monitor.stop();
    this.admission.stop();
    this.io.local.disconnectSockets(true);
    this.io.engine.close();
    await this.app.close().catch(() => {});
    await this.bus.close().catch(() => {});
    destroyQuietly(this.adapterClient);
  }
}

export async function createGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const base = gatewayBase(opts);
  const { io, adapterClient } = await createSocketServer(base.app, base.admission, opts, base.log);
  const gateway = new GatewayRuntime(opts, base, io, adapterClient);
  try {
    await gateway.start();
  } catch (e) {
    await gateway.close();
    throw e;
  }
  return gateway;
}
