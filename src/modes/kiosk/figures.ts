/**
 * The kiosk's figures beyond the plan's own: one live figure per chapter from the current live state, and the 5G
 * site density trajectory measured from the sample sites beside the plan's targets.
 */
import type { App } from "../../app/mode-api";
import { LAYER_IDS, type LayerId } from "../../protocol/data";
import { STATUS } from "../../protocol/live";
import { POPULATION_SOURCE, sitesTrajectory, type TrajectoryPoint } from "../../protocol/population";
import { h } from "../../ui/dom";
import type { Lang } from "../../ui/i18n";
import type { LiveFigureId } from "./story";

export function liveFigure(app: App, id: LiveFigureId): string {
  const s = app.live?.conn.store.getState();
  if (!s) return "—";
  const mean = (layer: LayerId, metric: string): number | null => {
    const L = s.layers[layer];
    const col = L?.ready ? L.metrics[metric] : undefined;
    if (!L || !col || !col.length) return null;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < col.length; i++)
      if (L.status[i] !== STATUS.unknown) {
        sum += col[i];
        n++;
      }
    return n ? sum / n : null;
  };
  switch (id) {
    case "siteLoad": {
      const v = mean("sites", "load");
      return v === null ? "—" : `${Math.round(v * 100)}%`;
    }
    case "dcPue": {
      const v = mean("datacentres", "pue");
      return v === null ? "—" : v.toFixed(2);
    }
    case "speed": {
      const v = mean("sensors", "speedKmh");
      return v === null ? "—" : v.toFixed(1);
    }
    case "charging": {
      const L = s.layers.chargers;
      if (!L?.ready) return "—";
      let sum = 0;
      const col = L.metrics.charging;
      for (let i = 0; i < col.length; i++) if (L.status[i] !== STATUS.unknown) sum += col[i];
      return Math.round(sum).toLocaleString("en-US");
    }
    case "online": {
      let up = 0;
      let all = 0;
      for (const id2 of LAYER_IDS) {
        const L = s.layers[id2];
        if (!L?.ready) continue;
        all += L.status.length;
        for (let i = 0; i < L.status.length; i++) if (L.status[i] <= 1) up++;
      }
      return all ? `${up.toLocaleString("en-US")} / ${all.toLocaleString("en-US")}` : "—";
    }
  }
}

/** the plan's 5G sites per 10,000 people at the year-ends sitesTrajectory measures */
const PLAN_PER_10K = [18.6, 28, 32];

/** 5G sites per 10,000 people at each year-end, from the sample sites' commissioning dates */
export function siteTrajectory(app: App): TrajectoryPoint[] {
  return sitesTrajectory(app.twin.data.sites.map((s) => s.commissioned));
}

/** the measured trajectory beside the plan */
export function trajectoryFigure(trajectory: readonly TrajectoryPoint[], lang: Lang): HTMLElement {
  return h(
    "div",
    { class: "kiosk-figure kiosk-trajectory", "data-testid": "kiosk-trajectory" },
    h(
      "div",
      { class: "kiosk-figure-value" },
      trajectory.map((p, i) => `${p.year}: ${p.per10k.toFixed(1)} / ${PLAN_PER_10K[i]}`).join(" · "),
    ),
    h(
      "div",
      { class: "kiosk-figure-label" },
      lang === "zh"
        ? "每万人5G基站 年末实测（示例数据）/ 规划；2025年目标35"
        : "5G sites per 10k people, year-end measured (sample data) / plan; 2025 target 35",
    ),
    h("div", { class: "kiosk-figure-label" }, POPULATION_SOURCE[lang]),
  );
}
