/**
 * Gateway configuration from the environment, and access tokens.
 *
 * Tokens: env RONGTWIN_TOKENS (JSON) or var/tokens.json, shape
 *   { "tokens": [{ "token": "…", "role": "operator", "name": "ops-desk-1" }, …], "anonymous": "viewer" | null }
 * `anonymous` is the role of a client that presents no token (default "viewer": wall screens and the browser
 * need nothing). With no config at all, development defaults are used and printed at startup:
 *   dev-viewer-token, dev-operator-token, dev-planner-token, dev-ingest-token
 * In production (NODE_ENV=production) with no config, random tokens are generated instead and written to
 * var/tokens.json (mode 600, marked "generated": true; such a file is ignored outside production, so a
 * production-mode test run does not lock developers out of the dev tokens). Secrets never go to the client bundle.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { type MqttEnv, type OcppEnv, parseLiveSource, readMqttEnv, readOcppEnv } from "./sources/feeds-config";
import { zodSummary } from "../protocol/zod-errors";

export const Role = z.enum(["viewer", "operator", "planner", "ingest"]);
export type Role = z.infer<typeof Role>;

export const TokensConfig = z.object({
  tokens: z
    .array(z.object({ token: z.string().min(12).max(200), role: Role, name: z.string().min(1).max(64) }))
    .max(1000),
  anonymous: Role.nullable().default("viewer"),
  /** written by the gateway itself (production, no config); ignored outside production */
  generated: z.boolean().optional(),
});
export type TokensConfig = z.infer<typeof TokensConfig>;

export interface Principal {
  role: Role;
  name: string;
}

export class TokenBook {
  private readonly map = new Map<string, Principal>();
  constructor(readonly config: TokensConfig) {
    for (const t of config.tokens) this.map.set(t.token, { role: t.role, name: t.name });
  }
  /** undefined = rejected (bad token, or no token while anonymous access is off) */
  resolve(token: string | undefined | null): Principal | undefined {
    if (token === undefined || token === null || token === "")
      return this.config.anonymous ? { role: this.config.anonymous, name: "anonymous" } : undefined;
    return this.map.get(token);
  }
}

export const DEV_TOKENS: TokensConfig = {
  tokens: [
    { token: "dev-viewer-token", role: "viewer", name: "dev-viewer" },
    { token: "dev-operator-token", role: "operator", name: "dev-operator" },
    { token: "dev-planner-token", role: "planner", name: "dev-planner" },
    { token: "dev-ingest-token", role: "ingest", name: "dev-ingest" },
  ],
  anonymous: "viewer",
};

/** The variables the token book depends on (readEnv passes them on as `tokenEnv`). */
export interface TokenEnv {
  RONGTWIN_TOKENS?: string;
  NODE_ENV?: string;
}

/** Load tokens: env JSON > file > defaults. Throws with a clear message if a config is present but invalid. */
export function loadTokens(env: TokenEnv, file = resolve("var/tokens.json")): { book: TokenBook; source: string } {
  const parse = (raw: string, where: string) => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
    }
    const r = TokensConfig.safeParse(json);
    if (!r.success) throw new Error(`${where}: ${zodSummary(r.error)}`);
    return r.data;
  };
  if (env.RONGTWIN_TOKENS)
    return { book: new TokenBook(parse(env.RONGTWIN_TOKENS, "RONGTWIN_TOKENS")), source: "env RONGTWIN_TOKENS" };
  const prod = env.NODE_ENV === "production";
  if (existsSync(file)) {
    const cfg = parse(readFileSync(file, "utf8"), file);
    // a file the gateway generated for a production run must not lock developers out of the dev tokens
    if (!cfg.generated || prod) return { book: new TokenBook(cfg), source: file };
  }
  if (prod) {
    const gen = (role: Role) => ({ token: randomBytes(24).toString("base64url"), role, name: `generated-${role}` });
    const cfg: TokensConfig = {
      tokens: [gen("operator"), gen("planner"), gen("ingest")],
      anonymous: "viewer",
      generated: true,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(cfg, null, 2), { mode: 0o600 });
    return { book: new TokenBook(cfg), source: `${file} (generated)` };
  }
  return { book: new TokenBook(DEV_TOKENS), source: "development defaults" };
}

export interface GatewayEnv {
  port: number;
  host: string;
  simSpeed: number;
  simSeed: number;
  simStartMs: number;
  redisUrl?: string;
  dataDir: string;
  staticDir?: string;
  source: "sim" | "ingest" | "both" | "synthetic";
  /** LIVE_SOURCE also lists mqtt / ocpp (real feeds; settings in sources/feeds-config.ts) */
  mqtt: boolean;
  ocpp: boolean;
  origins: string[];
  /** RONGTWIN_HOSTS: Host names answered (comma-separated; "*" = any); empty = the bound host + loopback names */
  hosts: string[];
  /** RONGTWIN_MAX_SOCKETS_PER_ADDRESS: open socket connections per client address (default 32) */
  maxSocketsPerAddress?: number;
  /** LIVE_SOURCE=synthetic (benchmarks): random updates per second, and optionally the data scaled to N objects */
  synthRate: number;
  synthObjects?: number;
  /** GATEWAY_BATCH_MS: delta batching period (default 50: a record reaches clients within ~50 ms + transit; at 100 ms
   *  the p95 from the source's emit to receipt was 100 ms, the issue-7 budget) */
  batchMs?: number;
  /** SOCKET_PARSER=msgpack: socket.io-msgpack-parser instead of JSON (clients must use the same) */
  parser: "json" | "msgpack";
  /** history store: HISTORY_URL (postgres://… or a SQLite file path; unset or "off" = none — `npm start` sets
   *  var/history.db), HISTORY_RETENTION_DAYS (7) */
  history?: { url: string; retentionMs: number };
  /** NODE_ENV=production: no dev origins, generated tokens instead of the dev tokens */
  production: boolean;
  /** what loadTokens reads (RONGTWIN_TOKENS, NODE_ENV) */
  tokenEnv: TokenEnv;
  /** SCENARIO_DB: the planner scenarios' SQLite file (default var/scenarios.db) */
  scenarioDb: string;
  /** SIM_REPORT_MS: the simulator's report period per object, real ms (default: the simulator's) */
  simReportMs?: number;
  /** RECOVERY_MS: socket.io connection-state-recovery window (default 120000) */
  recoveryMs?: number;
  /** the MQTT_* / OCPP_* settings of the feeds LIVE_SOURCE names */
  feeds: { mqtt?: MqttEnv; ocpp?: OcppEnv };
}

const list = (raw: string | undefined): string[] =>
  (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Parse the gateway's environment variables, naming the variable in any error. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): GatewayEnv {
  const num = (name: string, def: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return def;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || v > max)
      throw new Error(`${name}=${raw}: expected a number in [${min}, ${max}]`);
    return v;
  };
  const { source, mqtt, ocpp } = parseLiveSource(env.LIVE_SOURCE);
  const parser = (env.SOCKET_PARSER || "json") as GatewayEnv["parser"];
  if (parser !== "json" && parser !== "msgpack")
    throw new Error(`SOCKET_PARSER=${env.SOCKET_PARSER}: expected json or msgpack`);
  let simStartMs = Date.now();
  if (env.SIM_START) {
    simStartMs = Date.parse(env.SIM_START);
    if (!Number.isFinite(simStartMs)) throw new Error(`SIM_START=${env.SIM_START}: expected an ISO date-time`);
  }
  return {
    port: num("PORT", 8787, 0, 65535),
    host: env.HOST ?? "0.0.0.0",
    simSpeed: num("SIM_SPEED", 1, 0.001, 100000),
    simSeed: num("SIM_SEED", 20260101, 0, 2 ** 32 - 1),
    simStartMs,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: resolve(env.DATA_DIR ?? "public/data"),
    staticDir: env.STATIC_DIR === "" ? undefined : resolve(env.STATIC_DIR ?? "dist"),
    source,
    mqtt,
    ocpp,
    origins: list(env.RONGTWIN_ORIGINS),
    hosts: list(env.RONGTWIN_HOSTS),
    maxSocketsPerAddress: env.RONGTWIN_MAX_SOCKETS_PER_ADDRESS
      ? num("RONGTWIN_MAX_SOCKETS_PER_ADDRESS", 32, 1, 100_000)
      : undefined,
    synthRate: num("SYNTH_RATE", 1000, 0, 10_000_000),
    synthObjects: env.SYNTH_OBJECTS ? num("SYNTH_OBJECTS", 0, 1, 1_000_000) : undefined,
    batchMs: env.GATEWAY_BATCH_MS ? num("GATEWAY_BATCH_MS", 50, 5, 10_000) : undefined,
    parser,
    production: env.NODE_ENV === "production",
    tokenEnv: { RONGTWIN_TOKENS: env.RONGTWIN_TOKENS, NODE_ENV: env.NODE_ENV },
    scenarioDb: resolve(env.SCENARIO_DB || "var/scenarios.db"),
    simReportMs: env.SIM_REPORT_MS ? num("SIM_REPORT_MS", 3000, 1, 3_600_000) : undefined,
    recoveryMs: env.RECOVERY_MS ? num("RECOVERY_MS", 120_000, 0, 86_400_000) : undefined,
    feeds: { ...(mqtt ? { mqtt: readMqttEnv(env) } : {}), ...(ocpp ? { ocpp: readOcppEnv(env) } : {}) },
    history:
      !env.HISTORY_URL || env.HISTORY_URL === "off"
        ? undefined
        : {
            url: env.HISTORY_URL,
            retentionMs: num("HISTORY_RETENTION_DAYS", 7, 0.0001, 3650) * 24 * 3600_000,
          },
  };
}
