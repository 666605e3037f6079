/**
 * SQLite history store (better-sqlite3, WAL): the embedded default, a file under var/ with nothing to configure.
 * better-sqlite3 is synchronous; the writer calls it once per block period (~1 s) with a few compressed blobs,
 * a sub-millisecond transaction, never per update.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
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

export class SqliteHistory implements HistoryStore {
  readonly kind = "sqlite" as const;
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
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
  }

  async write(blocks: NewBlock[], alarms: Alarm[], kpis: KpiSample[]): Promise<void> {
    const insBlock = this.db.prepare(
      "INSERT INTO blocks (kind, t0, t1, records, raw_bytes, data) VALUES (@kind, @t0, @t1, @records, @rawBytes, @data)",
    );
    const upAlarm = this.db.prepare(`INSERT INTO alarms VALUES
      (@id, @layer, @object_id, @kind, @severity, @raised_at, @cleared_at, @acked_at, @acked_by, @body)
      ON CONFLICT(id) DO UPDATE SET cleared_at = excluded.cleared_at, acked_at = excluded.acked_at,
      acked_by = excluded.acked_by, severity = excluded.severity, body = excluded.body`);
    const insKpi = this.db.prepare("INSERT INTO kpis (t, body) VALUES (?, ?)");
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
    const keep = this.db
      .prepare("SELECT id FROM blocks WHERE kind = 'k' AND t0 <= ? ORDER BY id DESC LIMIT 1")
      .get(before) as { id: number } | undefined;
    let n = 0;
    this.db.transaction(() => {
      if (keep) n += this.db.prepare("DELETE FROM blocks WHERE id < ?").run(keep.id).changes;
      n += this.db.prepare("DELETE FROM alarms WHERE cleared_at IS NOT NULL AND cleared_at < ?").run(before).changes;
      n += this.db.prepare("DELETE FROM kpis WHERE t < ?").run(before).changes;
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
    if (this.db.open) this.db.close();
  }
}
