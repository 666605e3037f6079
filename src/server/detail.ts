/**
 * Per-object detail for the inspector ("detail:subscribe"), derived from the shared live state so any gateway
 * can serve it: data-centre racks, site sectors, charger connectors, sensor lanes.
 */
import type { LayerId } from "../protocol/data";
import { PROTOCOL_VERSION, type Detail } from "../protocol/live";
import type { LayerData } from "./layer-data";
import { hash01 } from "../protocol/prng";
import type { LiveState } from "./state";

const MAX_RACKS = 240;
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function buildDetail(state: LiveState, data: LayerData, layer: LayerId, index: number, ts: number): Detail {
  const L = state.layers[layer];
  const id = L.ids[index];
  const m = (name: string) => L.metrics[name][index];
  let detail: Detail["detail"];
  if (layer === "datacentres") {
    const dc = data.datacentres[index];
    const n = Math.min(dc.racks, MAX_RACKS);
    const base = m("rackUtil");
    const inlet = m("inletC");
    const wobble = Math.floor(ts / 60000);
    const rackUtil: number[] = [];
    const inletC: number[] = [];
    for (let k = 0; k < n; k++) {
      const u = clamp01(base * (0.55 + 0.9 * hash01(id, k)) + 0.04 * (hash01(id, k * 7919 + wobble) - 0.5));
      rackUtil.push(r3(u));
      inletC.push(Math.round((inlet + (u - base) * 4 + 1.2 * (hash01(id, k + 100000) - 0.5)) * 10) / 10);
    }
    detail = { kind: "racks", halls: dc.halls, rackUtil, inletC };
  } else if (layer === "sites") {
    const s = data.sites[index];
    const load = [m("s0"), m("s1"), m("s2")].map(r3);
    const sum = load[0] + load[1] + load[2];
    const users = Math.round(m("users"));
    const split = load.map((l) => (sum > 0 ? Math.round((users * l) / sum) : 0));
    detail = { kind: "sectors", azimuths: [...s.azimuths], load, users: split };
  } else if (layer === "chargers") {
    const c = data.chargers[index];
    const states: ("idle" | "charging" | "fault" | "offline")[] = [];
    const push = (k: (typeof states)[number], n: number) => {
      for (let j = 0; j < n && states.length < c.connectors; j++) states.push(k);
    };
    push("charging", Math.round(m("charging")));
    push("fault", Math.round(m("fault")));
    push("offline", Math.round(m("offline")));
    while (states.length < c.connectors) states.push("idle");
    // stable pseudo-random placement so the same counts draw the same connectors
    const order = states.map((_, k) => k).sort((a, b) => hash01(id, a) - hash01(id, b));
    detail = { kind: "connectors", connectorKw: c.connectorKw, states: order.map((k) => states[k]) };
  } else {
    const s = data.sensors[index];
    const road = data.roads.find((r) => r.id === s.roadId);
    const lanes = road?.lanes ?? 3;
    const v = m("speedKmh");
    const occ = m("occupancy");
    const speedKmh: number[] = [];
    const occupancy: number[] = [];
    for (let k = 0; k < lanes; k++) {
      const f = lanes > 1 ? k / (lanes - 1) : 0.5; // inner lane (0) fastest
      speedKmh.push(Math.round(v * (1.12 - 0.24 * f) * 10) / 10);
      occupancy.push(r3(clamp01(occ * (0.85 + 0.3 * f))));
    }
    detail = { kind: "lanes", lanes, speedKmh, occupancy };
  }
  return { v: PROTOCOL_VERSION, layer, objectId: id, ts, detail };
}
