/**
 * SQLite history store (better-sqlite3, WAL): the embedded default, a file under var/ with nothing to configure.
 * better-sqlite3 is synchronous, so writes (one transaction per block period, ~1 s) and retention passes run on a
 * connection of their own in a worker thread: on the gateway's main thread a transaction with a keyframe, or one
 * that triggered a WAL checkpoint, took 10-70 ms at 30k objects and 50k updates/s — live deltas waited behind it.
 * Reads (seek, replay, REST) use this thread's connection; WAL lets them run beside the writer.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { Alarm } from "../../protocol/live";
import {
  alarmRow,
  alarmWhere,
  type AlarmFilter,
  type BlockRow,
  type HistoryStore,
  type KpiSample,
  type NewBlock,
  type StoreStats,
} from "./store";

interface RawBlock {
  id: number;
  kind: "k" | "d";
  t0: number;
  t1: number;
  records: number;
  raw_bytes: number;
  data: Buffer;
}
const toBlock = (r: RawBlock): BlockRow => ({
  id: r.id,
  kind: r.kind,
  t0: r.t0,
  t1: r.t1,
  records: r.records,
  rawBytes: r.raw_bytes,
  data: r.data,
});

const INSERT_BLOCK =
  "INSERT INTO blocks (kind, t0, t1, records, raw_bytes, data) VALUES (@kind, @t0, @t1, @records, @rawBytes, @data)";
const UPSERT_ALARM = `INSERT INTO alarms VALUES
  (@id, @layer, @object_id, @kind, @severity, @raised_at, @cleared_at, @acked_at, @acked_by, @body)
  ON CONFLICT(id) DO UPDATE SET cleared_at = excluded.cleared_at, acked_at = excluded.acked_at,
  acked_by = excluded.acked_by, severity = excluded.severity, body = excluded.body`;
const INSERT_KPI = "INSERT INTO kpis (t, body) VALUES (?, ?)";
const PRUNE = [
  "SELECT id FROM blocks WHERE kind = 'k' AND t0 <= ? ORDER BY id DESC LIMIT 1",
  "DELETE FROM blocks WHERE id < ?",
  "DELETE FROM alarms WHERE cleared_at IS NOT NULL AND cleared_at < ?",
  "DELETE FROM kpis WHERE t < ?",
];

/**
 * The write connection's thread (CommonJS source, evaluated: it runs the same in tsx, Vitest and the esbuild bundle).
 * Messages: { id, op: "write", blocks, alarms (rows), kpis ([t, body]) } | { id, op: "prune", before } | close.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
// the lowest CPU priority for this thread only (Linux): history writes take what the live path leaves idle
try { require("node:os").setPriority(19); } catch {}
const db = new Database(workerData.path);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 10000");
const insBlock = db.prepare(${JSON.stringify(INSERT_BLOCK)});
const upAlarm = db.prepare(${JSON.stringify(UPSERT_ALARM)});
const insKpi = db.prepare(${JSON.stringify(INSERT_KPI)});
const prune = ${JSON.stringify(PRUNE)}.map((q) => db.prepare(q));
const write = db.transaction((m) => {
  for (const b of m.blocks) insBlock.run({ ...b, data: Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength) });
  for (const a of m.alarms) upAlarm.run(a);
  for (const k of m.kpis) insKpi.run(k[0], k[1]);
});
const pruneTx = db.transaction((before) => {
  const keep = prune[0].get(before);
  let n = 0;
  if (keep) n += prune[1].run(keep.id).changes;
  n += prune[2].run(before).changes;
  n += prune[3].run(before).changes;
  return n;
});
parentPort.on("message", (m) => {
  if (m.op === "close") {
    db.close();
    parentPort.postMessage({ id: m.id, r: 0 });
    return;
  }
  try {
    const r = m.op === "write" ? (write(m), 0) : pruneTx(m.before);
    parentPort.postMessage({ id: m.id, r });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

/** The write connection in its worker thread: one request at a time in order, each answered by id. */
class WriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { ok: (r: number) => void; fail: (e: Error) => void }>();
  private n = 0;
  private failed?: Error;

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WRITER_SOURCE, { eval: true, workerData: { path, driver } });
    this.worker.on("message", (m: { id: number; r?: number; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.fail(new Error(m.error));
      else w?.ok(m.r ?? 0);
    });
    this.worker.on("error", (e) => this.failAll(e));
    this.worker.on("exit", (code) => this.failAll(new Error(`history writer thread exited (${code})`)));
  }

  private failAll(e: Error) {
    this.failed ??= e;
    for (const w of this.waiting.values()) w.fail(e);
    this.waiting.clear();
  }

  request(msg: Record<string, unknown>): Promise<number> {
    if (this.failed) return Promise.reject(this.failed);
    const id = ++this.n;
    return new Promise<number>((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      this.worker.postMessage({ ...msg, id });
    });
  }

  async close(): Promise<void> {
    if (!this.failed) await this.request({ op: "close" }).catch(() => {});
    await this.worker.terminate();
  }
}

export class SqliteHistory implements HistoryStore {
  readonly kind = "sqlite" as const;
  private readonly db: Database.Database;
  /** the write connection's thread (none for ":memory:", which one connection only can see) */
  private readonly writer?: WriterThread;

  constructor(readonly path: string) {
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 10000");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS blocks (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, t0 REAL NOT NULL, t1 REAL NOT NULL,
        records INTEGER NOT NULL, raw_bytes INTEGER NOT NULL, data BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS blocks_kind_t0 ON blocks (kind, t0);
      CREATE TABLE IF NOT EXISTS alarms (
        id TEXT PRIMARY KEY, layer TEXT NOT NULL, object_id TEXT NOT NULL, kind TEXT NOT NULL,
        severity TEXT NOT NULL, raised_at REAL NOT NULL, cleared_at REAL, acked_at REAL, acked_by TEXT,
        body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS alarms_raised ON alarms (raised_at);
      CREATE INDEX IF NOT EXISTS alarms_open ON alarms (cleared_at);
      CREATE TABLE IF NOT EXISTS kpis (t REAL NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS kpis_t ON kpis (t);`);
    if (path !== ":memory:") this.writer = new WriterThread(path);
  }

  async write(blocks: NewBlock[], alarms: Alarm[], kpis: KpiSample[]): Promise<void> {
    if (this.writer) {
      const kpiRows = kpis.map((k) => [k.t, JSON.stringify(k)]);
      await this.writer.request({ op: "write", blocks, alarms: alarms.map(alarmRow), kpis: kpiRows });
      return;
    }
    const insBlock = this.db.prepare(INSERT_BLOCK);
    const upAlarm = this.db.prepare(UPSERT_ALARM);
    const insKpi = this.db.prepare(INSERT_KPI);
    this.db.transaction(() => {
      for (const b of blocks) insBlock.run(b);
      for (const a of alarms) upAlarm.run(alarmRow(a));
      for (const k of kpis) insKpi.run(k.t, JSON.stringify(k));
    })();
  }

  async keyframeAt(t?: number): Promise<BlockRow | undefined> {
    const r = (
      t === undefined
        ? this.db.prepare("SELECT * FROM blocks WHERE kind = 'k' ORDER BY id DESC LIMIT 1").get()
        : this.db.prepare("SELECT * FROM blocks WHERE kind = 'k' AND t0 <= ? ORDER BY id DESC LIMIT 1").get(t)
    ) as RawBlock | undefined;
    return r && toBlock(r);
  }

  async deltasAfter(afterId: number, t: number, limit: number): Promise<BlockRow[]> {
    const next = this.db.prepare("SELECT MIN(id) AS id FROM blocks WHERE kind = 'k' AND id > ?").get(afterId) as {
      id: number | null;
    };
    const rows = this.db
      .prepare("SELECT * FROM blocks WHERE kind = 'd' AND id > ? AND id < ? AND t0 <= ? ORDER BY id LIMIT ?")
      .all(afterId, next.id ?? Number.MAX_SAFE_INTEGER, t, limit) as RawBlock[];
    return rows.map(toBlock);
  }

  async deltasFrom(afterId: number, t: number, limit: number): Promise<BlockRow[]> {
    const rows = this.db
      .prepare("SELECT * FROM blocks WHERE kind = 'd' AND id > ? AND t1 >= ? ORDER BY id LIMIT ?")
      .all(afterId, t, limit) as RawBlock[];
    return rows.map(toBlock);
  }

  async range(): Promise<{ from: number; to: number } | undefined> {
    const r = this.db.prepare("SELECT MIN(t0) AS a, MAX(t1) AS b FROM blocks").get() as {
      a: number | null;
      b: number | null;
    };
    return r.a === null || r.b === null ? undefined : { from: r.a, to: r.b };
  }

  async alarms(f: AlarmFilter): Promise<Alarm[]> {
    const w = alarmWhere(f, () => "?");
    const sql = `SELECT body FROM alarms ${w.sql} ORDER BY raised_at DESC, id LIMIT ?`;
    const rows = this.db.prepare(sql).all(...w.args, f.limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Alarm);
  }

  async alarmsForRestart(clearedSince: number, limit: number): Promise<Alarm[]> {
    const rows = this.db
      .prepare(
        "SELECT body FROM alarms WHERE cleared_at IS NULL OR cleared_at >= ? ORDER BY raised_at DESC, id LIMIT ?",
      )
      .all(clearedSince, limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Alarm);
  }

  async alarmsActiveAt(t: number, limit: number): Promise<Alarm[]> {
    const rows = this.db
      .prepare(
        "SELECT body FROM alarms WHERE raised_at <= ? AND (cleared_at IS NULL OR cleared_at > ?) ORDER BY raised_at DESC, id LIMIT ?",
      )
      .all(t, t, limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Alarm);
  }

  async kpis(from: number, to: number): Promise<KpiSample[]> {
    const rows = this.db.prepare("SELECT body FROM kpis WHERE t >= ? AND t <= ? ORDER BY t").all(from, to) as {
      body: string;
    }[];
    return rows.map((r) => JSON.parse(r.body) as KpiSample);
  }

  async prune(before: number): Promise<number> {
    if (this.writer) return this.writer.request({ op: "prune", before });
    const keep = this.db.prepare(PRUNE[0]).get(before) as { id: number } | undefined;
    let n = 0;
    this.db.transaction(() => {
      if (keep) n += this.db.prepare(PRUNE[1]).run(keep.id).changes;
      n += this.db.prepare(PRUNE[2]).run(before).changes;
      n += this.db.prepare(PRUNE[3]).run(before).changes;
    })();
    return n;
  }

  async stats(): Promise<StoreStats> {
    const r = this.db
      .prepare(
        "SELECT COUNT(*) AS blocks, SUM(kind = 'k') AS keyframes, COALESCE(SUM(LENGTH(data)), 0) AS bytes, COALESCE(SUM(raw_bytes), 0) AS rawBytes, COALESCE(SUM(records), 0) AS records FROM blocks",
      )
      .get() as StoreStats;
    return { ...r, keyframes: r.keyframes ?? 0 };
  }

  async close(): Promise<void> {
    await this.writer?.close();
    if (this.db.open) this.db.close();
  }
}
