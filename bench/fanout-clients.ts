/**
 * Child process of bench/fanout.ts: N socket.io clients (node) subscribed to every layer of a gateway; for every
 * delta it records receipt - delta.ts (gateway broadcast -> receipt) and, per record, receipt - lastSeen (the
 * synthetic source's emit time -> receipt). Prints one JSON line with the samples summarised.
 *   tsx bench/fanout-clients.ts URL CLIENTS SECONDS json|msgpack
 */
import { createRequire } from "node:module";
import { io, type Socket } from "socket.io-client";
import { pct } from "./lib/gateway";

const [url, nArg, secArg, parserArg] = process.argv.slice(2);
const n = Number(nArg ?? 50),
  seconds = Number(secArg ?? 10);
const parser = parserArg === "msgpack" ? createRequire(import.meta.url)("socket.io-msgpack-parser") : undefined;
const LAYERS = ["sites", "datacentres", "chargers", "sensors"];

const gw: number[] = [];
const src: number[] = [];
let deltas = 0,
  records = 0,
  measuring = false;
const sockets: Socket[] = [];
let connected = 0;
for (let i = 0; i < n; i++) {
  const s = io(url, { transports: ["websocket"], forceNew: true, ...(parser ? { parser } : {}) });
  s.on("hello", () => s.emit("subscribe", { v: 1, layers: LAYERS }));
  s.on("connect", () => connected++);
  s.on("delta", (d: { ts: number; idx: number[]; lastSeen: number[] }) => {
    if (!measuring) return;
    const now = Date.now();
    deltas++;
    records += d.idx.length;
    gw.push(now - d.ts);
    // sample records so memory stays small: every 8th
    for (let r = 0; r < d.lastSeen.length; r += 8) src.push(now - d.lastSeen[r]);
  });
  sockets.push(s);
}
const t0 = Date.now();
while (connected < n && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
await new Promise((r) => setTimeout(r, 2000)); // snapshots delivered, steady state
measuring = true;
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const cpu = process.cpuUsage(cpu0);
for (const s of sockets) s.disconnect();
console.log(
  JSON.stringify({
    clients: n,
    connected,
    seconds,
    deltas,
    recordsPerClientPerS: records / n / seconds,
    gatewayEmitToReceipt: { p50: pct(gw, 50), p95: pct(gw, 95), max: pct(gw, 100) },
    sourceEmitToReceipt: { p50: pct(src, 50), p95: pct(src, 95), max: pct(src, 100) },
    clientProcessCpuPct: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
  }),
);
process.exit(0);
