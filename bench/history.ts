/**
 * History benchmark (a script, not a timed test): `npm run bench -- --only=history [--seconds=10]`, or
 * `npx tsx bench/history.ts [--seconds=10]`. Gateways are child processes on the sample data (public/data, 30k
 * objects); the measuring client is this process, subscribed to every layer. Rows:
 *  1. write path: live p95 emit->receipt (delta `ts` = the gateway's emit time, to this client's receipt) WITHOUT
 *     and WITH history (SQLite, tmp file), same duration, for the simulator at x600 and the synthetic source at
 *     50k updates/s (for the synthetic source also update->receipt, from each update's report time);
 *  2. storage: bytes per simulated day at the simulator's default rate (x1) and at 10k updates/s — the delta blocks
 *     measured per history second, plus one keyframe per keyframe interval (HISTORY_DEFAULTS) — and the
 *     compression ratio of the stored delta blocks against their raw encoding and against the updates as JSON;
 *  3. seek: state at 100 random T over the 50k/s store (the most updates per keyframe), server-side p50 / p95,
 *     read with the gateway's own reader after the gateway stopped.
 */
import Database from "better-sqlite3";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { io } from "socket.io-client";
import { LAYER_IDS } from "../src/protocol/data";
import { PROTOCOL_VERSION, type Delta } from "../src/protocol/live";
import { layerIds, loadLayerData } from "../src/server/layer-data";
import { captureLayers, compress, decodeEvents, decompress, encodeKeyframe } from "../src/server/history/codec";
import { HistoryReader } from "../src/server/history/reader";
import { SqliteHistory } from "../src/server/history/sqlite";
import { HISTORY_DEFAULTS } from "../src/server/history/writer";
import { pct, startGateway } from "./lib/gateway";

const DATA_DIR = "public/data";
const PORT = Number(process.env.BENCH_PORT ?? 8878);

type Source = { kind: "synthetic"; rate: number } | { kind: "sim"; speed: number };

export interface LiveRow {
  source: string;
  history: boolean;
  /** emit -> receipt, ms */
  p50: number;
  p95: number;
  /** update -> receipt (synthetic source only), ms */
  updateP95?: number;
  deltas: number;
  /** the gateway process's CPU (all its threads) per second of the window, ms (Linux /proc; NaN elsewhere) */
  cpuMsPerS: number;
}

/** user + system CPU of a process so far, ms */
function cpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

export interface StorageRow {
  source: string;
  historyMs: number;
  updates: number;
  deltaBytes: number;
  rawDeltaBytes: number;
  keyframeBytes: number;
  /** per simulated day: delta blocks + one keyframe per keyframe interval */
  bytesPerDay: number;
  keyframeEveryS: number;
  /** stored delta blocks vs their raw encoding */
  ratioRaw: number;
  /** stored delta blocks vs the same updates as JSON (what the bus carries) */
  ratioJson: number;
}

export interface HistoryBenchResult {
  live: LiveRow[];
  storage: StorageRow[];
  seek: { objects: number; keyframes: number; p50: number; p95: number; max: number };
}

const label = (s: Source) => (s.kind === "sim" ? `simulator x${s.speed}` : `synthetic ${s.rate / 1000}k/s`);

/** A gateway child process with `source`, history into `file` (or none), and a client timing every layer's deltas. */
async function liveRun(source: Source, file: string | undefined, seconds: number): Promise<LiveRow> {
  const gw = await startGateway(PORT, {
    DATA_DIR,
    STATIC_DIR: "",
    ...(source.kind === "sim"
      ? { LIVE_SOURCE: "sim", SIM_SPEED: String(source.speed), SIM_SEED: "3" }
      : { LIVE_SOURCE: "synthetic", SYNTH_RATE: String(source.rate) }),
    ...(file ? { HISTORY_URL: file } : {}),
  });
  const emit: number[] = [];
  const upd: number[] = [];
  let deltas = 0;
  let cpu = NaN;
  const sock = io(gw.url, { transports: ["websocket"], forceNew: true });
  sock.on("connect", () => sock.emit("subscribe", { v: PROTOCOL_VERSION, layers: [...LAYER_IDS] }));
  sock.on("delta", (d: Delta) => {
    const now = Date.now();
    deltas++;
    emit.push(now - d.ts);
    if (source.kind === "synthetic") for (const s of d.lastSeen) upd.push(now - s);
  });
  try {
    await new Promise((r) => setTimeout(r, 3000)); // snapshot, warm-up, first keyframe
    emit.length = 0;
    upd.length = 0;
    deltas = 0;
    const cpu0 = cpuMs(gw.proc.pid);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    cpu = (cpuMs(gw.proc.pid) - cpu0) / seconds;
  } finally {
    sock.close();
    await gw.stop("SIGTERM");
  }
  return {
    source: label(source),
    history: !!file,
    p50: pct(emit, 50),
    p95: pct(emit, 95),
    ...(upd.length ? { updateP95: pct(upd, 95) } : {}),
    deltas,
    cpuMsPerS: cpu,
  };
}

/** bytes of the stored updates as JSON bus events */
async function jsonBytes(db: Database.Database): Promise<number> {
  let n = 0;
  const blocks = db.prepare("SELECT data FROM blocks WHERE kind = 'd'").all() as { data: Buffer }[];
  for (const b of blocks) for (const e of decodeEvents(await decompress(b.data))) n += JSON.stringify(e.ev).length;
  return n;
}

/** a keyframe of the state at the end of the run, deflated (the first keyframe, of an empty state, is far smaller) */
async function keyframeOfFinalState(file: string): Promise<number> {
  const store = new SqliteHistory(file);
  try {
    const at = await new HistoryReader(store, layerIds(loadLayerData(DATA_DIR))).stateAt((await store.range())!.to);
    return (await compress(encodeKeyframe(captureLayers(at!.state.layers)))).length;
  } finally {
    await store.close();
  }
}

/** What a run stored, from the SQLite file, extrapolated to a simulated day. */
async function storage(source: Source, file: string): Promise<StorageRow> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        "SELECT kind, COUNT(*) AS n, SUM(LENGTH(data)) AS bytes, SUM(raw_bytes) AS raw, SUM(records) AS records, MIN(t0) AS t0, MAX(t1) AS t1 FROM blocks GROUP BY kind",
      )
      .all() as { kind: "k" | "d"; n: number; bytes: number; raw: number; records: number; t0: number; t1: number }[];
    const d = rows.find((r) => r.kind === "d")!;
    const keyframe = await keyframeOfFinalState(file);
    const historyMs = Math.max(1, d.t1 - d.t0);
    const perHistoryMs = d.records / historyMs;
    // keyframe policy in history time: keyframeMs of wall time (x speed for the simulator) or keyframeRecords
    const wallToHistory = source.kind === "sim" ? source.speed : 1;
    const keyframeEveryMs = Math.min(
      HISTORY_DEFAULTS.keyframeMs * wallToHistory,
      HISTORY_DEFAULTS.keyframeRecords / Math.max(1e-9, perHistoryMs),
    );
    const day = 86_400_000;
    return {
      source: label(source),
      historyMs,
      updates: d.records,
      deltaBytes: d.bytes,
      rawDeltaBytes: d.raw,
      keyframeBytes: keyframe,
      bytesPerDay: (d.bytes / historyMs) * day + keyframe * (day / keyframeEveryMs),
      keyframeEveryS: keyframeEveryMs / 1000,
      ratioRaw: d.raw / d.bytes,
      ratioJson: (await jsonBytes(db)) / d.bytes,
    };
  } finally {
    db.close();
  }
}

/** Server-side seek: the gateway's reader on the stored file, 100 random T in the recorded range. */
async function seek(file: string): Promise<HistoryBenchResult["seek"]> {
  const ids = layerIds(loadLayerData(DATA_DIR));
  const store = new SqliteHistory(file);
  try {
    const reader = new HistoryReader(store, ids);
    const range = (await store.range())!;
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = range.from + Math.random() * (range.to - range.from);
      const t0 = performance.now();
      await reader.stateAt(t);
      times.push(performance.now() - t0);
    }
    return {
      objects: Object.values(ids).reduce((a, l) => a + l.length, 0),
      keyframes: (await store.stats()).keyframes,
      p50: pct(times, 50),
      p95: pct(times, 95),
      max: Math.max(...times),
    };
  } finally {
    await store.close();
  }
}

export async function runHistoryBench(o: {
  seconds: number;
  /** without/with pairs per write-path source, alternated (the shared machine's load drifts between runs) */
  repeat?: number;
  log?: (m: string) => void;
}): Promise<HistoryBenchResult> {
  const log = o.log ?? ((m: string) => console.log(`[history] ${m}`));
  const dir = mkdtempSync(join(tmpdir(), "rt-bench-history-"));
  const live: LiveRow[] = [];
  const storageRows: StorageRow[] = [];
  const files = new Map<string, string>();
  for (const source of [
    { kind: "sim", speed: 600 },
    { kind: "synthetic", rate: 50_000 },
  ] as Source[]) {
    for (let run = 0; run < (o.repeat ?? 3); run++)
      for (const withHistory of run % 2 ? [true, false] : [false, true]) {
        const file = withHistory ? join(dir, `${source.kind}-${run}.db`) : undefined;
        log(`${label(source)}, ${withHistory ? "with" : "without"} history (${run + 1}/${o.repeat ?? 3})`);
        live.push(await liveRun(source, file, o.seconds));
        if (file) files.set(source.kind, file);
      }
    storageRows.push(await storage(source, files.get(source.kind)!));
  }
  for (const source of [
    { kind: "sim", speed: 1 },
    { kind: "synthetic", rate: 10_000 },
  ] as Source[]) {
    const file = join(dir, `storage-${source.kind}.db`);
    log(`${label(source)}: storage`);
    await liveRun(source, file, o.seconds);
    storageRows.push(await storage(source, file));
  }
  log("seek over the 50k/s store");
  return { live, storage: storageRows, seek: await seek(files.get("synthetic")!) };
}

export function historyMarkdown(r: HistoryBenchResult): string {
  const f = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d));
  const out = [
    "| write path | history | emit→receipt p50 ms | p95 ms | update→receipt p95 ms | deltas | gateway CPU ms/s |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const l of r.live)
    out.push(
      `| ${l.source} | ${l.history ? "with" : "without"} | ${f(l.p50)} | ${f(l.p95)} | ${f(l.updateP95)} | ${l.deltas} | ${f(l.cpuMsPerS, 0)} |`,
    );
  const median = (xs: number[]) => pct(xs, 50);
  for (const s of ["simulator x600", "synthetic 50k/s"]) {
    const rows = (h: boolean) => r.live.filter((l) => l.source === s && l.history === h);
    const [a, b] = [rows(false), rows(true)].map((ls) => ({
      p95: median(ls.map((l) => l.p95)),
      cpu: median(ls.map((l) => l.cpuMsPerS)),
      updateP95: ls.some((l) => l.updateP95 !== undefined) ? median(ls.map((l) => l.updateP95 ?? NaN)) : undefined,
    }));
    if (rows(false).length && rows(true).length)
      out.push(
        `| ${s} | ratio of medians with/without | | ${f(b.p95 / a.p95, 2)} | ${f((b.updateP95 ?? NaN) / (a.updateP95 ?? NaN), 2)} | | ${f(b.cpu / a.cpu, 2)} |`,
      );
  }
  out.push(
    "",
    "| storage | history s | updates | delta MB | raw MB | deflate vs raw | vs JSON | keyframe MB (every s) | GB per simulated day |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const s of r.storage)
    out.push(
      `| ${s.source} | ${f(s.historyMs / 1000)} | ${s.updates} | ${f(s.deltaBytes / 1e6, 2)} | ${f(s.rawDeltaBytes / 1e6, 2)} | ${f(s.ratioRaw, 2)}x | ${f(s.ratioJson, 1)}x | ${f(s.keyframeBytes / 1e6, 2)} (${f(s.keyframeEveryS, 0)}) | ${f(s.bytesPerDay / 1e9, 2)} |`,
    );
  out.push(
    "",
    `seek (state at T, ${r.seek.objects} objects, 100 random T, ${r.seek.keyframes} keyframes): p50 ${f(r.seek.p50)} ms, p95 ${f(r.seek.p95)} ms, max ${f(r.seek.max)} ms`,
  );
  return out.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const s = process.argv.find((a) => a.startsWith("--seconds="));
  const r = await runHistoryBench({ seconds: Number(s?.slice(10) ?? 10) });
  console.log(historyMarkdown(r));
  process.exit(0);
}
