/**
 * Test support shared by unit/integration tests, fault tests, e2e, benches, soaks and tools/start: gateway and
 * redis-server child processes, free ports, waiting, role tokens. Node only; the app never imports it.
 */
export { sleep, until } from "./wait";
export { freePort } from "./net";
export { roleTokens, type RoleTokens } from "./tokens";
export { startGateway, type Gateway, type GatewayOptions } from "./gateway";
export { hasRedis, requireRedisInCi, startRedis, type RedisProc } from "./redis";
export { hasPostgres, POSTGRES_URL } from "./postgres";
export { makeFixture, writeFixture, type FixtureSize } from "./fixture";
export { CHROMIUM_ARGS, CHROMIUM_BENCH_ARGS, chromiumLaunchOptions, chromiumPath } from "./chromium";
export { writeMbtiles, type TileBytes } from "./mbtiles";
export { writePmtiles } from "./pmtiles";
