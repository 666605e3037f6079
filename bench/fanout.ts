/**
 * Gateway fan-out: a gateway with the synthetic source (objects, rate) and CLIENTS loopback socket.io clients in
 * one separate node process; p50/p95 latency gateway-emit -> receipt and source-emit -> receipt, JSON vs msgpack.
 *   tsx bench/fanout.ts [--clients=50] [--rate=10000] [--objects=30000] [--seconds=10]
 */
import { spawnSync } from "node:child_process";
import { pidusage } from "./lib/cpu";
import { startGateway } from "./lib/gateway";

export interface FanoutResult {
  parser: "json" | "msgpack";
  clients: number;
  rate: number;
  objects: number;
  batchMs: number;
  recordsPerClientPerS: number;
  gatewayEmitToReceipt: { p50: number; p95: number; max: number };
  sourceEmitToReceipt: { p50: number; p95: number; max: number };
  gatewayCpuPct: number;
  clientProcessCpuPct: number;
  error?: string;
}

export async function runFanout(o: {
  parser: "json" | "msgpack";
  clients: number;
  rate: number;
  objects: number;
  seconds: number;
  port: number;
  batchMs?: number;
}): Promise<FanoutResult> {
  const batchMs = o.batchMs ?? 100;
  const gw = await startGateway(o.port, {
    LIVE_SOURCE: "synthetic",
    SYNTH_RATE: String(o.rate),
    SYNTH_OBJECTS: String(o.objects),
    SOCKET_PARSER: o.parser,
    STATIC_DIR: "",
    GATEWAY_BATCH_MS: String(batchMs),
  });
  try {
    const cpu0 = pidusage(gw.proc.pid!);
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "bench/fanout-clients.ts", gw.url, String(o.clients), String(o.seconds), o.parser],
      { encoding: "utf8", timeout: (o.seconds + 90) * 1000 },
    );
    const cpu1 = pidusage(gw.proc.pid!);
    const line = r.stdout.trim().split("\n").pop() ?? "";
    const j = JSON.parse(line) as Omit<FanoutResult, "parser" | "rate" | "objects" | "gatewayCpuPct" | "batchMs">;
    return {
      parser: o.parser,
      rate: o.rate,
      objects: o.objects,
      batchMs,
      ...j,
      gatewayCpuPct: ((cpu1 - cpu0) / (Date.now() - t0)) * 100,
    };
  } catch (e) {
    return {
      parser: o.parser,
      clients: o.clients,
      rate: o.rate,
      objects: o.objects,
      batchMs,
      recordsPerClientPerS: 0,
      gatewayEmitToReceipt: { p50: NaN, p95: NaN, max: NaN },
      sourceEmitToReceipt: { p50: NaN, p95: NaN, max: NaN },
      gatewayCpuPct: NaN,
      clientProcessCpuPct: NaN,
      error: (e as Error).message,
    };
  } finally {
    await gw.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split("=")[1] ?? d);
  for (const parser of ["json", "msgpack"] as const)
    console.log(
      JSON.stringify(
        await runFanout({
          parser,
          clients: arg("clients", 50),
          rate: arg("rate", 10000),
          objects: arg("objects", 30000),
          seconds: arg("seconds", 10),
          port: 8890,
          batchMs: arg("batch", 100),
        }),
      ),
    );
}
