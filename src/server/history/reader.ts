/**
 * Reads the state of every layer at history time T: the newest keyframe at or before T, then the delta blocks
 * after it replayed event by event through the gateway's own LiveState, so the result (seq, values, digest) is
 * exactly what the live gateway held after applying the same events. Alarms active at T come from the alarm table.
 */
import { LAYER_IDS, type LayerId } from "../../protocol/data";
import type { Alarm } from "../../protocol/live";
import { LiveState } from "../state";
import { decodeEvents, decodeKeyframe, decompress, type TimedEvent } from "./codec";
import type { HistoryStore } from "./store";

export interface StateAt {
  t: number;
  state: LiveState;
  alarms: Alarm[];
  /** keyframe the state was built from (a replay reads forward after it, skipping events at or before t) */
  keyframeId: number;
  /** events read after the keyframe */
  applied: number;
}

export class HistoryReader {
  constructor(
    private readonly store: HistoryStore,
    private readonly ids: Record<LayerId, readonly string[]>,
  ) {}

  /** Undefined when T is before the first keyframe (nothing recorded yet). */
  async stateAt(t: number, alarmLimit = 2000): Promise<StateAt | undefined> {
    const kf = await this.store.keyframeAt(t);
    if (!kf) return undefined;
    const state = new LiveState(this.ids);
    const layers = decodeKeyframe(await decompress(kf.data));
    for (const l of LAYER_IDS) if (layers[l]) state.layers[l].loadArrays(layers[l]);
    let after = kf.id;
    let applied = 0;
    for (;;) {
      const page = await this.store.deltasAfter(after, t, 64);
      for (const b of page) {
        for (const e of await this.events(b.data)) {
          if (e.t > t) break;
          state.apply(e.ev);
          applied++;
        }
        after = b.id;
      }
      if (page.length < 64) break;
    }
    const alarms = await this.store.alarmsActiveAt(t, alarmLimit);
    state.alarms.load(alarms.map((a) => withoutLaterFacts(a, t)));
    return { t, state, alarms: state.alarms.list(), keyframeId: kf.id, applied };
  }

  async events(data: Buffer): Promise<TimedEvent[]> {
    return decodeEvents(await decompress(data));
  }

  layers(): readonly LayerId[] {
    return LAYER_IDS;
  }
}

/** An alarm as it stood at T: an ack or clear that came later is not shown. */
export function withoutLaterFacts(a: Alarm, t: number): Alarm {
  const out: Alarm = { ...a };
  if (out.clearedAt !== undefined && out.clearedAt > t) delete out.clearedAt;
  if (out.ackedAt !== undefined && out.ackedAt > t) {
    delete out.ackedAt;
    delete out.ackedBy;
  }
  return out;
}
