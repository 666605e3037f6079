/**
 * Built-in REST API:
 *   GET  /api/health                 liveness ({ok} without a token when anonymous access is off) + per-layer seq,
 *                                    leader, sim state
 *   GET  /api/digest?layers=a,b      {digest, layers: {l: {seq, digest}}, paused} — same function as the client's
 *   GET  /api/alarms                 {v, epoch, alarms, omitted?}
 * Reads need a resolved caller (any role; anonymous callers when the token book allows them).
 *   POST /api/ingest                 role ingest; body {records: IngestRecord[]} -> {accepted, rejected: [{index, reason}]}
 *                                    (a record may carry `alarm: {kind, severity, text, ...}` to inject/clear an alarm)
 *   POST /api/alarms/:id/ack         role operator
 *   POST /api/sim/pause | /resume    role operator; freezes the simulator (used by e2e to compare digests)
 * Every /api/ request (by the route it reaches) is rate-limited per client address (token buckets: reads 200/s burst 400, writes 30/s
 * burst 100 by default) -> 429 with a reason and retry-after.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { LAYER_IDS, LayerId } from "../protocol/data";
import { IngestBatch, PROTOCOL_VERSION, zodReason } from "../protocol/live";
import type { Bus } from "./bus";
import { KeyedLimiter } from "./ratelimit";
import type { Role, TokenBook } from "./config";
import { validateIngest } from "./ingest";
import { bearer, requireRole, type OriginPolicy } from "./security";
import { ackOf, type LiveState } from "./state";

export interface RestDeps {
  state: LiveState;
  bus: Bus;
  tokens: TokenBook;
  origins: OriginPolicy;
  startedAt: number;
  sim: () => { enabled: boolean; running: boolean; speed: number; simTime?: number };
  clients: () => number;
  /** slow-client guard counters: cut off from deltas for lagging, disconnected for lagging too long, disconnected
   *  for queueing more than the send budget */
  slowClients?: () => { lagged: number; dropped: number; overBudget: number };
  acceptIngest: boolean;
  /** memory and event-loop delay windows (authorised /api/health only) */
  process?: () => object;
  /** counters of the real feeds (MQTT, OCPP), when any run */
  feeds?: () => Record<string, unknown>;
  /** per-address request limits for /api/: [sustained per second, burst] */
  rateLimits?: { read: [number, number]; write: [number, number] };
}

export const DEFAULT_REST_LIMITS: NonNullable<RestDeps["rateLimits"]> = { read: [200, 400], write: [30, 100] };

const ALL_ROLES: Role[] = ["viewer", "operator", "planner", "ingest"];

/** `?layers=a,b` or `?layers=a&layers=b` (or both), de-duplicated; every layer once, at most 4, in LAYER_IDS order. */
const DigestQuery = z.object({
  layers: z
    .union([z.string().max(1000), z.array(z.string().max(1000)).max(LAYER_IDS.length)])
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return [...LAYER_IDS];
      const parts = new Set((Array.isArray(raw) ? raw : [raw]).flatMap((s) => s.split(",")).filter(Boolean));
      const bad = [...parts].filter((p) => !LayerId.safeParse(p).success);
      if (bad.length) ctx.addIssue({ code: "custom", message: `unknown layer(s) ${bad.slice(0, 4).join(", ")}` });
      return LAYER_IDS.filter((l) => parts.has(l));
    }),
});

function requestPath(req: FastifyRequest): string {
  const path = req.url.split("?")[0];
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
/**
 * /api/ requests are limited by the route they reach (fastify has already routed the request in onRequest), not
 * by the raw URL, so `/%61pi/…` is limited exactly like `/api/…`; unrouted requests by their decoded path.
 */
function isApiRequest(req: FastifyRequest): boolean {
  const route = req.routeOptions.url;
  return (route ?? requestPath(req)).startsWith("/api/");
}

function installRateLimit(app: FastifyInstance, lim: NonNullable<RestDeps["rateLimits"]>): void {
  const readLimiter = new KeyedLimiter(...lim.read);
  const writeLimiter = new KeyedLimiter(...lim.write);
  app.addHook("onRequest", async (req, reply) => {
    if (!isApiRequest(req)) return;
    const write = req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS";
    const [limiter, rate] = write ? [writeLimiter, lim.write[0]] : [readLimiter, lim.read[0]];
    if (!limiter.take(req.ip))
      return reply
        .code(429)
        .header("retry-after", "1")
        .send({
          error: "rate_limited",
          reason: `too many ${write ? "write" : "read"} requests from ${req.ip} (limit ${rate}/s)`,
        });
  });
}

export function registerRest(app: FastifyInstance, d: RestDeps): void {
  installRateLimit(app, d.rateLimits ?? DEFAULT_REST_LIMITS);
  // origin allow-list for state-changing requests
  app.addHook("onRequest", async (req, reply) => {
    if (
      req.method !== "GET" &&
      req.method !== "HEAD" &&
      req.method !== "OPTIONS" &&
      !d.origins.allows(req.headers.origin, req.headers.host)
    )
      return reply.code(403).send({ error: "forbidden", reason: `origin ${req.headers.origin} not allowed` });
  });

  // liveness for anyone; the details (ids, counts, clients) only for a resolved caller
  app.get("/api/health", async (req) => (d.tokens.resolve(bearer(req)) ? health(d) : { ok: true }));

  app.get("/api/digest", async (req, reply) => {
    if (!requireRole(d.tokens, req, reply, ALL_ROLES)) return;
    const q = DigestQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: "invalid", reason: zodReason(q.error) });
    return { ...d.state.digest(q.data.layers), epoch: d.bus.epoch, paused: d.state.paused };
  });

  app.get("/api/alarms", async (req, reply) => {
    if (!requireRole(d.tokens, req, reply, ALL_ROLES)) return;
    return d.state.alarms.message(d.bus.epoch);
  });

  app.post("/api/ingest", async (req, reply) => {
    if (!requireRole(d.tokens, req, reply, ["ingest"])) return;
    if (!d.acceptIngest)
      return reply
        .code(409)
        .send({ error: "disabled", reason: "ingest is disabled (LIVE_SOURCE=sim); set LIVE_SOURCE=ingest or both" });
    const body = IngestBatch.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: "invalid", reason: zodReason(body.error) });
    const { events, result } = validateIngest(d.state, body.data.records);
    if (events.length) await d.bus.publish(events);
    return reply.code(result.accepted ? 200 : 400).send(result);
  });

  app.post<{ Params: { id: string } }>("/api/alarms/:id/ack", async (req, reply) => {
    const who = requireRole(d.tokens, req, reply, ["operator"]);
    if (!who) return;
    const a = d.state.alarms.get(req.params.id);
    if (!a) return reply.code(404).send({ error: "not_found", reason: `alarm ${req.params.id} not found` });
    if (a.ackedAt === undefined) {
      const sim = d.sim();
      await d.bus.publish([{ t: "a", op: "ack", alarm: ackOf(a, who.name, sim.running ? sim.simTime : undefined) }]);
    }
    return { ok: true, alarm: d.state.alarms.get(req.params.id) };
  });

  for (const [path, paused] of [
    ["/api/sim/pause", true],
    ["/api/sim/resume", false],
  ] as const)
    app.post(path, async (req, reply) => {
      if (!requireRole(d.tokens, req, reply, ["operator"])) return;
      await d.bus.publish([{ t: "c", paused }]);
      return { ok: true, paused };
    });
}

function health(d: RestDeps) {
  return {
    ok: true,
    v: PROTOCOL_VERSION,
    serverId: d.bus.serverId,
    epoch: d.bus.epoch,
    bus: d.bus.kind,
    leader: d.bus.isLeader(),
    uptimeS: Math.round((Date.now() - d.startedAt) / 1000),
    clients: d.clients(),
    ...(d.slowClients ? { slowClients: d.slowClients() } : {}),
    paused: d.state.paused,
    sim: d.sim(),
    layers: Object.fromEntries(
      LAYER_IDS.map((l) => [
        l,
        { count: d.state.layers[l].count, seq: d.state.layers[l].seq, idsHash: d.state.layers[l].idsHash },
      ]),
    ),
    alarms: { active: d.state.alarms.activeCount(), omitted: d.state.alarms.omitted },
    ...(d.process ? { process: d.process() } : {}),
    ...(d.feeds ? { feeds: d.feeds() } : {}),
  };
}
