/**
 * Live infrastructure KPIs from per-layer status / metric arrays (status 4 = unknown is left out). Shared by the
 * command wall (its tiles and trend charts) and the gateway's history (the KPI series it records), so both
 * compute one figure one way. Pure arithmetic on plain arrays; worked examples in src/modes/command/kpi.test.ts.
 */
// ----------------------------------------------------------------------------------------------- live KPIs
type Num = ArrayLike<number>;

export interface LiveKpiInput {
  sites?: { status: Num } | null;
  datacentres?: {
    items: readonly { racks: number; pflops: number | null; kind: string }[];
    status: Num;
    itMw: Num;
    facilityMw: Num;
    pue: Num;
  } | null;
  chargers?: { items: readonly { kind: string; connectors: number }[]; status: Num; charging: Num } | null;
  sensors?: { status: Num; congestion: Num } | null;
}

export interface LiveKpis {
  /** sites with status 0/1 among those with a known status (0..3); null before any data */
  siteAvailability: number | null;
  sitesKnown: number;
  sitesUp: number;
  /** racks of data centres that are not offline (status 0..2) */
  racksInService: number;
  racksTotal: number;
  /** energy-weighted PUE: sum facility MW / sum IT MW */
  pueAvg: number | null;
  pueWorst: number | null;
  pueWorstIndex: number;
  /** PFLOPS of ai-computing centres that are not offline */
  aiPflops: number;
  superInService: number;
  superTotal: number;
  /** connectors charging / connectors, over stations with a known status */
  chargerUtil: number | null;
  /** mean congestion level (0 free .. 4 jammed) of sensors reporting normally (status 0/1) */
  congestion: number | null;
  sensorsReporting: number;
}

export function liveKpis(inp: LiveKpiInput): LiveKpis {
  const k: LiveKpis = {
    siteAvailability: null,
    sitesKnown: 0,
    sitesUp: 0,
    racksInService: 0,
    racksTotal: 0,
    pueAvg: null,
    pueWorst: null,
    pueWorstIndex: -1,
    aiPflops: 0,
    superInService: 0,
    superTotal: 0,
    chargerUtil: null,
    congestion: null,
    sensorsReporting: 0,
  };
  if (inp.sites) {
    const st = inp.sites.status;
    for (let i = 0; i < st.length; i++) {
      const s = st[i];
      if (s === 4) continue;
      k.sitesKnown++;
      if (s <= 1) k.sitesUp++;
    }
    k.siteAvailability = k.sitesKnown ? k.sitesUp / k.sitesKnown : null;
  }
  if (inp.datacentres) {
    const d = inp.datacentres;
    let it = 0;
    let fac = 0;
    d.items.forEach((dc, i) => {
      k.racksTotal += dc.racks;
      const s = d.status[i];
      if (s === 4 || s === 3) return;
      k.racksInService += dc.racks;
      if (dc.kind === "ai-computing") k.aiPflops += dc.pflops ?? 0;
      if (d.itMw[i] > 0) {
        it += d.itMw[i];
        fac += d.facilityMw[i];
      }
      if (k.pueWorst === null || d.pue[i] > k.pueWorst) {
        k.pueWorst = d.pue[i];
        k.pueWorstIndex = i;
      }
    });
    k.pueAvg = it > 0 ? fac / it : null;
  }
  if (inp.chargers) {
    const c = inp.chargers;
    let conn = 0;
    let charging = 0;
    c.items.forEach((st, i) => {
      if (st.kind === "super") k.superTotal++;
      const s = c.status[i];
      if (s === 4) return;
      if (st.kind === "super" && s <= 1) k.superInService++;
      conn += st.connectors;
      charging += c.charging[i];
    });
    k.chargerUtil = conn > 0 ? charging / conn : null;
  }
  if (inp.sensors) {
    const { status, congestion } = inp.sensors;
    let sum = 0;
    for (let i = 0; i < status.length; i++) {
      if (status[i] > 1) continue;
      sum += congestion[i];
      k.sensorsReporting++;
    }
    k.congestion = k.sensorsReporting ? sum / k.sensorsReporting : null;
  }
  return k;
}
