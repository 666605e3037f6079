/**
 * History benchmark (a script, not a timed test): `npx tsx bench/history.ts [seconds=10] [rate=50000]`.
 * In one run, on the sample data (public/data):
 *  1. live p95 emit-to-receipt latency of the synthetic source at `rate` updates/s, WITHOUT and then WITH history
 *     (SQLite, tmp file), same duration — the ratio is the write path's cost to live;
 *  2. storage: stored bytes per update, deflate ratio against the raw block encoding and against the updates'
 *     JSON (what the bus carries), extrapolated to a day at `rate` and at the simulator's default rate;
 *  3. seek: server-side state at 100 random T in the recorded range, p50 / p95.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io } from "socket.io-client";
import { PROTOCOL_VERSION, type Delta } from "../src/protocol/live";
import { createGateway, type Gateway } from "../src/server/gateway";
import type { BusEvent } from "../src/server/state";

const seconds = Number(process.argv[2] ?? 10);
const rate = Number(process.argv[3] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), "rt-bench-history-"));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

async function run(withHistory: boolean): Promise<{ gw: Gateway; p95: number; p50: number; json: number }> {
  const gw = await createGateway({
    dataDir: "public/data",
    source: "synthetic",
    synthRate: rate,
    log: () => {},
    ...(withHistory ? { history: { url: join(dir, "history.db") } } : {}),
  });
  let json = 0;
  if (withHistory) {
    // raw-delta size for the compression figure: the JSON the bus would carry for each recorded update event
    const rec = gw.history!.writer.record.bind(gw.history!.writer);
    gw.history!.writer.record = (ev: BusEvent) => {
      if (ev.t === "u") json += JSON.stringify(ev).length;
      rec(ev);
    };
  }
  const lat: number[] = [];
  const sock = io(gw.url, { transports: ["websocket"] });
  sock.on("connect", () => sock.emit("subscribe", { v: PROTOCOL_VERSION, layers: ["sites"] }));
  sock.on("delta", (d: Delta) => {
    const now = Date.now();
    for (const s of d.lastSeen) lat.push(now - s);
  });
  await new Promise((r) => setTimeout(r, 2000)); // snapshot, warm-up
  lat.length = 0;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  sock.close();
  return { gw, p95: pct(lat, 95), p50: pct(lat, 50), json };
}

const base = await run(false);
await base.gw.close();
const hist = await run(true);
const h = hist.gw.history!;
await h.writer.flush();
const st = await h.store.stats();
const range = (await h.store.range())!;
const seeks: number[] = [];
for (let i = 0; i < 100; i++) {
  const t = range.from + Math.random() * (range.to - range.from);
  const t0 = performance.now();
  await h.reader.stateAt(t);
  seeks.push(performance.now() - t0);
}
const objects = Object.values(hist.gw.state.layers).reduce((a, l) => a + l.count, 0);
await hist.gw.close();

const perUpdate = st.bytes / Math.max(1, st.records);
const f = (x: number) => x.toFixed(1);
console.log(`history bench: ${seconds} s per run, synthetic source ${rate} updates/s, ${objects} objects`);
console.log(
  `live p95 emit->receipt: without history ${base.p95} ms (p50 ${base.p50}), with ${hist.p95} ms (p50 ${hist.p50}); ratio ${(hist.p95 / Math.max(1, base.p95)).toFixed(2)}`,
);
console.log(
  `recorded ${st.records} updates in ${st.blocks} blocks (${st.keyframes} keyframes), ${(st.bytes / 1e6).toFixed(2)} MB stored`,
);
console.log(
  `bytes per update ${f(perUpdate)} (keyframes included); deflate vs raw blocks ${(st.rawBytes / Math.max(1, st.bytes)).toFixed(2)}x; vs update JSON ${(hist.json / Math.max(1, st.bytes)).toFixed(2)}x`,
);
console.log(
  `per day: at ${rate}/s ${((perUpdate * rate * 86400) / 1e9).toFixed(1)} GB; at 10k/s ${((perUpdate * 10_000 * 86400) / 1e9).toFixed(1)} GB (extrapolated from this run)`,
);
console.log(
  `seek (state at T, ${objects} objects, 100 random T): p50 ${f(pct(seeks, 50))} ms, p95 ${f(pct(seeks, 95))} ms`,
);
process.exit(0);
