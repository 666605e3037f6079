/**
 * The gateway's history: opens the store (SQLite file by default, PostgreSQL with a postgres:// URL), restores the
 * last recorded state and the alarm book on start, runs the writer, and hands the reader to the APIs.
 */
import type { Bus } from "../bus";
import type { LayerData } from "../layer-data";
import { layerIds } from "../layer-data";
import type { BusEvent, LiveState } from "../state";
import { PostgresHistory } from "./postgres";
import { HistoryReader } from "./reader";
import { SqliteHistory } from "./sqlite";
import type { HistoryStore } from "./store";
import { HistoryWriter, type WriterOptions } from "./writer";

export interface HistoryOptions extends WriterOptions {
  /** postgres://… (PostgreSQL) or a SQLite file path (default var/history.db) */
  url?: string;
}

export async function openStore(url: string | undefined): Promise<HistoryStore> {
  if (url && /^postgres(ql)?:\/\//.test(url)) return PostgresHistory.open(url);
  return new SqliteHistory(url ?? "var/history.db");
}

export class HistoryService {
  readonly reader: HistoryReader;
  readonly writer: HistoryWriter;

  constructor(
    readonly store: HistoryStore,
    private readonly state: LiveState,
    data: LayerData,
    private readonly bus: Bus,
    readonly opts: HistoryOptions,
  ) {
    this.reader = new HistoryReader(store, layerIds(data));
    this.writer = new HistoryWriter(store, state, data, () => bus.isLeader(), opts);
  }

  static async open(opts: HistoryOptions, state: LiveState, data: LayerData, bus: Bus): Promise<HistoryService> {
    return new HistoryService(await openStore(opts.url), state, data, bus, opts);
  }

  /**
   * Before the bus starts: load the last recorded state and the alarms (active ones, and those cleared within the
   * retention window, with their acks) into the live state, and continue the history and simulator clocks from
   * the last recorded time. With Redis, the bus's own checkpoint (loaded afterwards) wins.
   */
  async restore(simSpeed: number, log: (m: string) => void): Promise<void> {
    const range = await this.store.range();
    if (!range) return;
    const at = await this.reader.stateAt(range.to);
    if (at) {
      try {
        this.state.loadCheckpoint({ ...at.state.toCheckpoint(), alarms: [], paused: false });
      } catch (e) {
        log(`history: not restoring state (${(e as Error).message})`);
      }
    }
    const retention = this.opts.retentionMs ?? 7 * 24 * 3600_000;
    const alarms = await this.store.alarmsForRestart(range.to - Math.min(retention, 24 * 3600_000), 300 + 10_000);
    this.state.alarms.load(alarms);
    this.writer.resumeAt(range.to);
    if (this.bus.kind === "local" && simSpeed > 0)
      await this.bus.setMeta("simClock", JSON.stringify({ simMs: range.to, wallMs: Date.now(), speed: simSpeed }));
    log(
      `history (${this.store.kind}): restored state at ${new Date(range.to).toISOString()} and ${alarms.length} alarms`,
    );
  }

  start(): void {
    this.writer.start();
  }

  /** bus handler: record before the state applies */
  record(ev: BusEvent): void {
    this.writer.record(ev);
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}
