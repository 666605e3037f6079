/**
 * `npm start`: make sure data and build are current, then run the gateway serving dist/ with the simulator.
 *   PORT (8787), HOST (0.0.0.0), HISTORY_URL (var/history.db), SIM_SPEED (60 here: one real second = one simulated
 *   minute, so the demo visibly moves; set SIM_SPEED=1 for real time), plus every variable src/server/main.ts understands.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startGateway } from "../src/testing/gateway";
import { ensureBuild } from "./ensure-build";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const data = spawnSync(process.execPath, ["--import", "tsx", "tools/ensure-data.ts"], { cwd: ROOT, stdio: "inherit" });
if (data.status !== 0) {
  console.error("[start] tools/ensure-data.ts failed");
  process.exit(data.status ?? 1);
}
try {
  ensureBuild();
} catch (e) {
  console.error(`[start] ${(e as Error).message}`);
  process.exit(1);
}

const gw = await startGateway({
  port: Number(process.env.PORT ?? 8787),
  host: process.env.HOST ?? "0.0.0.0",
  env: {
    SIM_SPEED: process.env.SIM_SPEED ?? "60",
    STATIC_DIR: process.env.STATIC_DIR ?? "dist",
    // history and replay: an embedded SQLite file unless told otherwise (postgres://… or "off")
    HISTORY_URL: process.env.HISTORY_URL ?? "var/history.db",
  },
  inheritOutput: true,
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void gw.stop(sig));
gw.proc.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
