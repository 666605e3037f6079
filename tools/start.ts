/**
 * `npm start`: make sure data and build are current, then run the gateway serving dist/ with the simulator.
 *   PORT (8787), HISTORY_URL (var/history.db), SIM_SPEED (60 here: one real second = one simulated minute, so the demo visibly moves;
 *   set SIM_SPEED=1 for real time), plus every variable src/server/main.ts understands.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuild } from "./ensure-build";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsx = ["--import", "tsx"];

if (existsSync(path.join(ROOT, "tools", "ensure-data.ts"))) {
  const r = spawnSync(process.execPath, [...tsx, "tools/ensure-data.ts"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) {
    console.error("[start] tools/ensure-data.ts failed");
    process.exit(r.status ?? 1);
  }
}
try {
  ensureBuild();
} catch (e) {
  console.error(`[start] ${(e as Error).message}`);
  process.exit(1);
}

const env = {
  ...process.env,
  PORT: process.env.PORT ?? "8787",
  SIM_SPEED: process.env.SIM_SPEED ?? "60",
  STATIC_DIR: process.env.STATIC_DIR ?? "dist",
  // history and replay: an embedded SQLite file unless told otherwise (postgres://… or "off")
  HISTORY_URL: process.env.HISTORY_URL ?? "var/history.db",
};
const child = spawn(process.execPath, [...tsx, "src/server/main.ts"], { cwd: ROOT, env, stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
