/**
 * Coverage impact over time: the recorded outage set (the gateway's /api/history/outages: the set at `from` and its
 * changes) turned into a series of impact figures by the same OutageImpact engine the live wall uses, in the
 * coverage worker. Computed here and not in the gateway because the radio model and the city's demand lattice live
 * in this worker (the gateway shares only src/protocol with the client); the engine is incremental, so stepping
 * through a sequence of outage sets costs what each change costs live. The live down set is put back afterwards.
 */
import type { OutageHistory } from "../protocol/history";
import type { OutageImpact } from "./outage-impact";

export type OutageTimeline = Pick<OutageHistory, "from" | "to" | "down" | "changes">;

export interface ImpactPoint {
  /** history time, ms */
  t: number;
  down: number;
  people: number;
  weakPeople: number;
  areaKm2: number;
}

/**
 * The down set at `from`, after each change time and at `to` — or, when that is more than `maxPoints` sets, at
 * `maxPoints` evenly spaced times from `from` to `to` (an outage shorter than the spacing may then fall between).
 */
export function outageSets(tl: OutageTimeline, maxPoints = 120): { t: number; down: string[] }[] {
  const set = new Set(tl.down);
  const apply = ([, id, d]: OutageTimeline["changes"][number]) => (d ? set.add(id) : set.delete(id));
  const out = [{ t: tl.from, down: [...set] }];
  const times = new Set(tl.changes.map((c) => c[0]));
  if (times.size + 2 <= maxPoints) {
    for (let k = 0; k < tl.changes.length; k++) {
      apply(tl.changes[k]);
      if (k + 1 === tl.changes.length || tl.changes[k + 1][0] !== tl.changes[k][0])
        out.push({ t: tl.changes[k][0], down: [...set] });
    }
    if (out[out.length - 1].t < tl.to) out.push({ t: tl.to, down: [...set] });
    return out;
  }
  const step = (tl.to - tl.from) / (maxPoints - 1);
  let k = 0;
  for (let p = 1; p < maxPoints; p++) {
    const b = p === maxPoints - 1 ? tl.to : tl.from + p * step;
    while (k < tl.changes.length && tl.changes[k][0] <= b) apply(tl.changes[k++]);
    out.push({ t: b, down: [...set] });
  }
  return out;
}

/** Impact figures of each set of `outageSets`; the engine's down set is restored afterwards. */
export function impactSeries(imp: OutageImpact, tl: OutageTimeline, maxPoints = 120): ImpactPoint[] {
  const live = imp.downIds();
  try {
    return outageSets(tl, maxPoints).map(({ t, down }) => {
      const r = imp.setDown(down).result;
      return { t, down: r.down, people: r.people, weakPeople: r.weakPeople, areaKm2: r.areaKm2 };
    });
  } finally {
    imp.setDown(live);
  }
}
