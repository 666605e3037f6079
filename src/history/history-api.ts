/** The client side of the history REST API: fetch + validate (src/protocol/history.ts). */
import { z } from "zod";
import { HistoryRange, KpiSeries, OutageHistory, type KpiPoint } from "../protocol/history";
import { Alarm, PROTOCOL_VERSION } from "../protocol/live";

export class HistoryApi {
  constructor(
    private readonly base: string,
    private readonly token?: string,
  ) {}

  private async get<T extends z.ZodTypeAny>(path: string, schema: T): Promise<z.infer<T> | null> {
    const res = await fetch(new URL(path, this.base), {
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
    });
    if (!res.ok) return null;
    const r = schema.safeParse(await res.json());
    return r.success ? r.data : null;
  }

  /** null when the gateway keeps no history */
  range(): Promise<HistoryRange | null> {
    return this.get("/api/history/range", HistoryRange);
  }

  async kpis(from: number, to: number, step: number): Promise<KpiPoint[]> {
    const q = `from=${Math.floor(from)}&to=${Math.ceil(to)}&step=${step}`;
    return (await this.get(`/api/history/kpis?${q}`, KpiSeries))?.points ?? [];
  }

  /** the recorded outage set over [from, to] (sites in fault / offline); null without a history store */
  outages(from: number, to: number): Promise<OutageHistory | null> {
    return this.get(`/api/history/outages?from=${Math.max(0, Math.floor(from))}&to=${Math.ceil(to)}`, OutageHistory);
  }

  async alarms(limit = 50): Promise<Alarm[]> {
    const r = await this.get(
      `/api/history/alarms?limit=${limit}`,
      z.object({ v: z.literal(PROTOCOL_VERSION), alarms: z.array(Alarm) }),
    );
    return r?.alarms ?? [];
  }
}
