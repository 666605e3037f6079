/**
 * The recorded outage set over time (GET /api/history/outages): which sites were in fault or offline at `from`
 * (the state at T, as the reader rebuilds it) and every change of that set up to `to`, read from the delta blocks'
 * sites events. Only the status column is looked at; a status that does not flip a site between "down" and "in
 * service" (ok ↔ warning, fault ↔ offline, unknown) is not a change. The coverage-impact series is computed from
 * this on the client, in the coverage worker that holds the radio model and demand lattice.
 */
import type { OutageHistory } from "../../protocol/history";
import { isOutOfService, PROTOCOL_VERSION } from "../../protocol/live";
import type { UpdateEvent } from "../state";
import type { HistoryReader } from "./reader";
import type { HistoryStore } from "./store";

/** most changes one request returns */
export const MAX_OUTAGE_CHANGES = 50_000;

/** Follows the sites' status through update events and lists the flips of the down set. */
export class OutageTracker {
  private readonly down: Uint8Array;
  readonly changes: [number, number, 0 | 1][] = [];

  constructor(status: ArrayLike<number>) {
    this.down = Uint8Array.from(status, (s) => (isOutOfService(s) ? 1 : 0));
  }

  /** slots down now */
  downSlots(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.down.length; i++) if (this.down[i]) out.push(i);
    return out;
  }

  apply(t: number, ev: UpdateEvent): void {
    if (ev.layer !== "sites") return;
    for (let r = 0; r < ev.idx.length; r++) {
      const st = ev.st[r],
        i = ev.idx[r];
      if (st < 0 || i < 0 || i >= this.down.length) continue;
      const d = isOutOfService(st) ? 1 : 0;
      if (d === this.down[i]) continue;
      this.down[i] = d;
      this.changes.push([t, i, d]);
    }
  }
}

/**
 * The outage set at `from` (or at the start of the record, if later) and its changes up to `to`; undefined when
 * nothing was recorded by `to`; "too_large" past the cap.
 */
export async function outageHistory(
  history: { store: HistoryStore; reader: HistoryReader },
  from: number,
  to: number,
  siteIds: readonly string[],
): Promise<OutageHistory | undefined | "too_large"> {
  // nothing was recorded before the first keyframe: a window reaching back further starts there
  const range = await history.store.range();
  if (!range || to < range.from) return undefined;
  from = Math.max(from, range.from);
  const at = await history.reader.stateAt(from, 0);
  if (!at) return undefined;
  const tracker = new OutageTracker(at.state.layers.sites.status);
  const down = tracker.downSlots().map((i) => siteIds[i]);
  let after = at.keyframeId;
  for (let done = false; !done;) {
    const page = await history.store.deltasFrom(after, from, 32);
    for (const b of page) {
      after = b.id;
      if (b.t0 > to) {
        done = true;
        break;
      }
      for (const { t, ev } of await history.reader.events(b.data)) {
        if (t <= from) continue; // already in the state at `from`
        if (t > to) break;
        tracker.apply(t, ev);
      }
      if (tracker.changes.length > MAX_OUTAGE_CHANGES) return "too_large";
    }
    if (page.length < 32) done = true;
  }
  return {
    v: PROTOCOL_VERSION,
    from,
    to,
    down,
    changes: tracker.changes.map(([t, i, d]) => [t, siteIds[i], d]),
  };
}
