/**
 * Where real feeds (MQTT bridge, OCPP central system) put their records: validated exactly like POST /api/ingest
 * (validateIngest: same schema, same reasons), published to the bus, and every object a real feed reported is
 * CLAIMED, so the simulator (when it also runs) no longer moves it or raises alarms on it.
 */
import type { LayerId } from "../../protocol/data";
import type { IngestResult } from "../../protocol/live";
import type { Bus } from "../bus";
import { validateIngest } from "../ingest";
import type { BusEvent, LiveState } from "../state";

/** Objects fed by a real source, per layer (bit per object index). */
export class FeedClaims {
  private readonly claimed = new Map<LayerId, Uint8Array>();
  private n = 0;
  constructor(private readonly state: LiveState) {}

  /** Mark an object as fed by a real source; true when it was not claimed before. */
  claim(layer: LayerId, index: number): boolean {
    let arr = this.claimed.get(layer);
    if (!arr) this.claimed.set(layer, (arr = new Uint8Array(this.state.layers[layer].count)));
    if (arr[index]) return false;
    arr[index] = 1;
    this.n++;
    return true;
  }
  has(layer: LayerId, index: number): boolean {
    return this.claimed.get(layer)?.[index] === 1;
  }
  get count(): number {
    return this.n;
  }

  /** The simulator's events without rows and alarms of claimed objects. */
  filter(events: BusEvent[]): BusEvent[] {
    if (this.n === 0) return events;
    const out: BusEvent[] = [];
    for (const ev of events) {
      if (ev.t === "a") {
        if (!this.has(ev.alarm.layer, ev.alarm.objectIndex)) out.push(ev);
        continue;
      }
      if (ev.t !== "u" || !this.claimed.has(ev.layer)) {
        out.push(ev);
        continue;
      }
      const keep: number[] = [];
      for (let r = 0; r < ev.idx.length; r++) if (!this.has(ev.layer, ev.idx[r])) keep.push(r);
      if (keep.length === ev.idx.length) out.push(ev);
      else if (keep.length)
        out.push({
          ...ev,
          idx: keep.map((r) => ev.idx[r]),
          st: keep.map((r) => ev.st[r]),
          m: Object.fromEntries(Object.entries(ev.m).map(([k, col]) => [k, keep.map((r) => col[r])])),
          ...(ev.rts ? { rts: keep.map((r) => ev.rts![r]) } : {}),
        });
    }
    return out;
  }
}

export class FeedSink {
  readonly claims: FeedClaims;
  constructor(
    private readonly state: LiveState,
    private readonly bus: Bus,
  ) {
    this.claims = new FeedClaims(state);
  }

  activeAlarm(layer: LayerId, objectId: string, kind: string): boolean {
    return !!this.state.alarms.activeFor(layer, objectId, kind);
  }

  /** Validate and publish; the result lists every refused record by index with the ingest reason. */
  async submit(records: unknown[], now = Date.now()): Promise<IngestResult> {
    const { events, result } = validateIngest(this.state, records, now);
    const fresh = new Set<string>();
    for (const ev of events) {
      if (ev.t === "u") {
        for (const i of ev.idx) if (this.claims.claim(ev.layer, i)) fresh.add(`${ev.layer}|${i}`);
      } else if (ev.t === "a" && this.claims.claim(ev.alarm.layer, ev.alarm.objectIndex))
        fresh.add(`${ev.alarm.layer}|${ev.alarm.objectIndex}`);
    }
    if (fresh.size) events.unshift(...this.simulatorAlarmsOf(fresh, now));
    if (events.length) await this.bus.publish(events);
    return result;
  }

  /** Clears for alarms the simulator raised on objects a real feed now owns (its own clears are filtered out). */
  private simulatorAlarmsOf(objects: Set<string>, now: number): BusEvent[] {
    return this.state.alarms
      .list()
      .filter((a) => a.clearedAt === undefined && a.id.startsWith("S") && objects.has(`${a.layer}|${a.objectIndex}`))
      .map((a) => ({ t: "a", op: "clear", alarm: { ...a, clearedAt: now } }));
  }
}
