/**
 * Gateway entry: `tsx src/server/main.ts`. Environment:
 *   PORT (8787), HOST (0.0.0.0), SIM_SPEED (1; 60 = one real second is one simulated minute), SIM_SEED,
 *   SIM_START (ISO, default now), SIM_REPORT_MS (3000), REDIS_URL,
 *   LIVE_SOURCE (sim | ingest | both | mqtt | ocpp, comma-separated, e.g. sim,mqtt,ocpp; the MQTT_* and OCPP_*
 *   variables are listed in sources/feeds-config.ts),
 *   LIVE_SOURCE=synthetic with SYNTH_RATE (updates/s, 1000) and SYNTH_OBJECTS (scale the data; benchmarks),
 *   GATEWAY_BATCH_MS (50), SOCKET_PARSER (json | msgpack),
 *   DATA_DIR (public/data), STATIC_DIR (dist; "" to disable), RONGTWIN_TOKENS (JSON) or var/tokens.json,
 *   RONGTWIN_ORIGINS (comma-separated extra allowed origins), NODE_ENV=production (no dev origins/tokens),
 *   RONGTWIN_HOSTS (comma-separated Host names answered; default the bound host + loopback; "*" = any),
 *   RONGTWIN_MAX_SOCKETS_PER_ADDRESS (32),
 *   RECOVERY_MS (socket.io connection-state-recovery window, default 120000).
 *   RECOVERY_MS (socket.io connection-state-recovery window, default 120000),
 *   HISTORY_URL (a SQLite file such as var/history.db, which `npm start` sets; postgres://…?schema=name:
 *   PostgreSQL; unset or off: no history),
 *   HISTORY_RETENTION_DAYS (7), SCENARIO_DB (var/scenarios.db).
 */
import { existsSync } from "node:fs";
import { loadTokens, readEnv } from "./config";
import { createGateway } from "./gateway";

async function main(): Promise<void> {
  const env = readEnv();
  const { book, source } = loadTokens(env.tokenEnv);
  const gw = await createGateway({
    port: env.port,
    host: env.host,
    dataDir: env.dataDir,
    staticDir: env.staticDir,
    source: env.source,
    simSpeed: env.simSpeed,
    simSeed: env.simSeed,
    simStartMs: env.simStartMs,
    redisUrl: env.redisUrl,
    tokens: book,
    origins: env.origins,
    hosts: env.hosts,
    ...(env.maxSocketsPerAddress ? { limits: { maxConnectionsPerAddress: env.maxSocketsPerAddress } } : {}),
    synthRate: env.synthRate,
    synthObjects: env.synthObjects,
    batchMs: env.batchMs,
    parser: env.parser,
    history: env.history,
    simReportMs: env.simReportMs,
    recoveryMs: env.recoveryMs,
    feeds: env.feeds,
    dev: !env.production,
    scenarioDb: env.scenarioDb,
  });
  const log = (m: string) => console.log(`[gateway] ${m}`);
  log(`tokens from ${source}; anonymous clients get role ${book.config.anonymous ?? "(none: token required)"}`);
  if (source === "development defaults")
    log(
      "dev tokens: viewer=dev-viewer-token operator=dev-operator-token planner=dev-planner-token ingest=dev-ingest-token",
    );
  log(
    `bus ${gw.bus.kind}${env.redisUrl ? ` (${env.redisUrl.replace(/\/\/[^@]*@/, "//***@")})` : ""}, source ${env.source}${env.mqtt ? "+mqtt" : ""}${env.ocpp ? "+ocpp" : ""}, sim speed x${env.simSpeed}, seed ${env.simSeed}`,
  );
  log(
    `layers: ${Object.entries(gw.state.layers)
      .map(([l, s]) => `${l} ${s.count}`)
      .join(", ")}`,
  );
  if (env.staticDir && existsSync(env.staticDir)) log(`serving app from ${env.staticDir}`);
  console.log(`RongTwin running at http://localhost:${gw.port}/`);
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: shutting down`);
    const t = setTimeout(() => process.exit(0), 3000);
    t.unref();
    await gw.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e: unknown) => {
  console.error(`[gateway] failed to start: ${(e as Error).message}`);
  process.exit(1);
});
