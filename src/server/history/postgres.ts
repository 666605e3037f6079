/**
 * PostgreSQL history store (`pg`), selected with HISTORY_URL=postgres://…: one history shared by several gateways
 * (the Redis scale-out case; only the bus leader writes). Tables live in their own schema (default `rongtwin`,
 * `?schema=` in the URL or the `schema` option), so tests and deployments sharing one server do not collide.
 */
import pg from "pg";
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
  id: string;
  kind: "k" | "d";
  t0: number;
  t1: number;
  records: string;
  raw_bytes: string;
  data: Buffer;
}
const toBlock = (r: RawBlock): BlockRow => ({
  id: Number(r.id),
  kind: r.kind,
  t0: Number(r.t0),
  t1: Number(r.t1),
  records: Number(r.records),
  rawBytes: Number(r.raw_bytes),
  data: r.data,
});

export class PostgresHistory implements HistoryStore {
  readonly kind = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly s: string;

  private constructor(url: string, schema: string) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw new Error(`HISTORY_URL schema "${schema}": use a-z, 0-9 and _ only (at most 63 characters)`);
    this.s = schema;
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
    this.pool.on("error", () => {
      /* an idle client lost its connection; the next query reconnects */
    });
  }

  /** Connect and create the schema and tables if missing. */
  static async open(url: string, schema?: string): Promise<PostgresHistory> {
    const u = new URL(url);
    const sch = schema ?? u.searchParams.get("schema") ?? "rongtwin";
    u.searchParams.delete("schema");
    const store = new PostgresHistory(u.toString(), sch);
    const s = store.s;
    await store.pool.query(`
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.blocks (
        id BIGSERIAL PRIMARY KEY, kind CHAR(1) NOT NULL, t0 DOUBLE PRECISION NOT NULL, t1 DOUBLE PRECISION NOT NULL,
        records BIGINT NOT NULL, raw_bytes BIGINT NOT NULL, data BYTEA NOT NULL);
      CREATE INDEX IF NOT EXISTS blocks_kind_t0 ON ${s}.blocks (kind, t0);
      CREATE TABLE IF NOT EXISTS ${s}.alarms (
        id TEXT PRIMARY KEY, layer TEXT NOT NULL, object_id TEXT NOT NULL, kind TEXT NOT NULL,
        severity TEXT NOT NULL, raised_at DOUBLE PRECISION NOT NULL, cleared_at DOUBLE PRECISION,
        acked_at DOUBLE PRECISION, acked_by TEXT, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS alarms_raised ON ${s}.alarms (raised_at);
      CREATE TABLE IF NOT EXISTS ${s}.kpis (t DOUBLE PRECISION NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS kpis_t ON ${s}.kpis (t);`);
    return store;
  }

  async write(blocks: NewBlock[], alarms: Alarm[], kpis: KpiSample[]): Promise<void> {
    const c = await this.pool.connect();
    const s = this.s;
    try {
      await c.query("BEGIN");
      for (const b of blocks)
        await c.query(
          `INSERT INTO ${s}.blocks (kind, t0, t1, records, raw_bytes, data) VALUES ($1, $2, $3, $4, $5, $6)`,
          [b.kind, b.t0, b.t1, b.records, b.rawBytes, b.data],
        );
      for (const a of alarms) {
        const r = alarmRow(a);
        await c.query(
          `INSERT INTO ${s}.alarms VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (id) DO UPDATE SET cleared_at = EXCLUDED.cleared_at, acked_at = EXCLUDED.acked_at,
           acked_by = EXCLUDED.acked_by, severity = EXCLUDED.severity, body = EXCLUDED.body`,
          [r.id, r.layer, r.object_id, r.kind, r.severity, r.raised_at, r.cleared_at, r.acked_at, r.acked_by, r.body],
        );
      }
      for (const k of kpis) await c.query(`INSERT INTO ${s}.kpis (t, body) VALUES ($1, $2)`, [k.t, JSON.stringify(k)]);
      await c.query("COMMIT");
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  async keyframeAt(t?: number): Promise<BlockRow | undefined> {
    const r =
      t === undefined
        ? await this.pool.query<RawBlock>(`SELECT * FROM ${this.s}.blocks WHERE kind = 'k' ORDER BY id DESC LIMIT 1`)
        : await this.pool.query<RawBlock>(
            `SELECT * FROM ${this.s}.blocks WHERE kind = 'k' AND t0 <= $1 ORDER BY id DESC LIMIT 1`,
            [t],
          );
    return r.rows[0] && toBlock(r.rows[0]);
  }

  async deltasAfter(afterId: number, t: number, limit: number): Promise<BlockRow[]> {
    const r = await this.pool.query<RawBlock>(
      `SELECT * FROM ${this.s}.blocks WHERE kind = 'd' AND id > $1 AND t0 <= $2
       AND id < COALESCE((SELECT MIN(id) FROM ${this.s}.blocks WHERE kind = 'k' AND id > $1), 9007199254740991)
       ORDER BY id LIMIT $3`,
      [afterId, t, limit],
    );
    return r.rows.map(toBlock);
  }

  async deltasFrom(afterId: number, t: number, limit: number): Promise<BlockRow[]> {
    const r = await this.pool.query<RawBlock>(
      `SELECT * FROM ${this.s}.blocks WHERE kind = 'd' AND id > $1 AND t1 >= $2 ORDER BY id LIMIT $3`,
      [afterId, t, limit],
    );
    return r.rows.map(toBlock);
  }

  async range(): Promise<{ from: number; to: number } | undefined> {
    const r = await this.pool.query<{ a: number | null; b: number | null }>(
      `SELECT MIN(t0) AS a, MAX(t1) AS b FROM ${this.s}.blocks`,
    );
    const row = r.rows[0];
    return row.a === null || row.b === null ? undefined : { from: Number(row.a), to: Number(row.b) };
  }

  private async bodies(sql: string, args: (string | number)[]): Promise<Alarm[]> {
    const r = await this.pool.query<{ body: string }>(sql, args);
    return r.rows.map((x) => JSON.parse(x.body) as Alarm);
  }

  async alarms(f: AlarmFilter): Promise<Alarm[]> {
    const w = alarmWhere(f, (n) => `$${n}`);
    return this.bodies(
      `SELECT body FROM ${this.s}.alarms ${w.sql} ORDER BY raised_at DESC, id LIMIT $${w.args.length + 1}`,
      [...w.args, f.limit],
    );
  }

  async alarmsForRestart(clearedSince: number, limit: number): Promise<Alarm[]> {
    return this.bodies(
      `SELECT body FROM ${this.s}.alarms WHERE cleared_at IS NULL OR cleared_at >= $1 ORDER BY raised_at DESC, id LIMIT $2`,
      [clearedSince, limit],
    );
  }

  async alarmsActiveAt(t: number, limit: number): Promise<Alarm[]> {
    return this.bodies(
      `SELECT body FROM ${this.s}.alarms WHERE raised_at <= $1 AND (cleared_at IS NULL OR cleared_at > $1)
       ORDER BY raised_at DESC, id LIMIT $2`,
      [t, limit],
    );
  }

  async kpis(from: number, to: number): Promise<KpiSample[]> {
    const r = await this.pool.query<{ body: string }>(
      `SELECT body FROM ${this.s}.kpis WHERE t >= $1 AND t <= $2 ORDER BY t`,
      [from, to],
    );
    return r.rows.map((x) => JSON.parse(x.body) as KpiSample);
  }

  async prune(before: number): Promise<number> {
    const s = this.s;
    const keep = await this.pool.query<{ id: string }>(
      `SELECT id FROM ${s}.blocks WHERE kind = 'k' AND t0 <= $1 ORDER BY id DESC LIMIT 1`,
      [before],
    );
    let n = 0;
    if (keep.rows[0])
      n += (await this.pool.query(`DELETE FROM ${s}.blocks WHERE id < $1`, [keep.rows[0].id])).rowCount ?? 0;
    n +=
      (await this.pool.query(`DELETE FROM ${s}.alarms WHERE cleared_at IS NOT NULL AND cleared_at < $1`, [before]))
        .rowCount ?? 0;
    n += (await this.pool.query(`DELETE FROM ${s}.kpis WHERE t < $1`, [before])).rowCount ?? 0;
    return n;
  }

  async stats(): Promise<StoreStats> {
    const r = await this.pool.query<Record<keyof StoreStats, string | null>>(
      `SELECT COUNT(*) AS blocks, COUNT(*) FILTER (WHERE kind = 'k') AS keyframes,
       COALESCE(SUM(LENGTH(data)), 0) AS bytes, COALESCE(SUM(raw_bytes), 0) AS "rawBytes",
       COALESCE(SUM(records), 0) AS records FROM ${this.s}.blocks`,
    );
    const x = r.rows[0];
    return {
      blocks: Number(x.blocks),
      keyframes: Number(x.keyframes),
      bytes: Number(x.bytes),
      rawBytes: Number(x.rawBytes),
      records: Number(x.records),
    };
  }

  /** drop the schema (tests) */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.s} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
