/**
 * The impact tile's trend: people without good coverage over the last hour. On start it asks the gateway for the
 * recorded outage set over the window (/api/history/outages; absent without a history store) and has the coverage
 * worker turn it into the impact series (src/planner/impact-series.ts, the same engine as the live figure); after
 * that each live impact result adds a point. In a replay the window ends at the replayed time, so a replayed outage
 * shows its rise and fall. Drawn as a step line on a small canvas.
 */
import "./impact-trend.css";
import type { ImpactPoint, OutageTimeline } from "../../planner/impact-series";
import { h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";

export interface TrendHistory {
  /** the recorded outage set over [from, to]; null without a history store */
  outages(from: number, to: number): Promise<OutageTimeline | null>;
}
export interface TrendWorker {
  impactSeries(timeline: OutageTimeline, maxPoints?: number): Promise<ImpactPoint[]>;
}

const fmtInt = (v: number) => Math.round(v).toLocaleString("en-US");

export class ImpactTrend {
  readonly el: HTMLElement;
  private canvas = h("canvas", { class: "impact-trend-chart" }) as HTMLCanvasElement;
  private label = h("div", { class: "impact-trend-label" });
  private points: { t: number; people: number }[] = [];
  private unLang: () => void;

  constructor(
    host: HTMLElement,
    private now: () => number,
    private windowMs = 3_600_000,
  ) {
    this.el = h(
      "div",
      { class: "impact-trend", "data-testid": "impact-trend", "data-source": "live", "data-points": "0" },
      this.label,
      this.canvas,
    );
    host.append(this.el);
    this.unLang = uiLang.subscribe(() => this.render());
    this.render();
  }

  /** Fill the window from the recorded outages (no-op without a history store). */
  async load(history: TrendHistory, worker: TrendWorker, maxPoints = 120): Promise<number> {
    const to = this.now(),
      from = to - this.windowMs;
    const tl = await history.outages(from, to);
    if (!tl) return 0;
    const series = await worker.impactSeries(tl, maxPoints);
    const live = this.points.filter((p) => p.t > tl.to);
    this.points = [...series.map((p) => ({ t: p.t, people: p.people })), ...live];
    this.el.dataset.source = "history";
    this.el.dataset.recorded = String(series.length);
    this.render();
    return series.length;
  }

  /** A live (or replayed) impact figure at the twin time now. */
  push(people: number): void {
    const t = this.now();
    const last = this.points[this.points.length - 1];
    if (last && t < last.t) this.points = this.points.filter((p) => p.t <= t); // a replay jumped back
    this.points.push({ t, people });
    const cut = t - this.windowMs;
    while (this.points.length > 2 && this.points[1].t <= cut) this.points.shift();
    this.render();
  }

  series(): { t: number; people: number }[] {
    return this.points.slice();
  }

  private render(): void {
    const max = this.points.reduce((m, p) => Math.max(m, p.people), 0);
    const lang = uiLang.getState().lang;
    this.el.dataset.points = String(this.points.length);
    this.el.dataset.max = String(Math.round(max));
    this.label.textContent = `${t("cmd.impactTrend")} · ${lang === "zh" ? "峰值" : "peak"} ${fmtInt(max)}`;
    this.draw(max);
  }

  private draw(max: number): void {
    const c = this.canvas;
    const w = Math.max(1, Math.round(c.clientWidth * devicePixelRatio)),
      hgt = Math.max(1, Math.round(c.clientHeight * devicePixelRatio));
    if (c.width !== w) c.width = w;
    if (c.height !== hgt) c.height = hgt;
    const g = c.getContext("2d");
    if (!g) return;
    g.clearRect(0, 0, w, hgt);
    g.strokeStyle = "rgba(42, 212, 255, 0.25)";
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, hgt - 0.5);
    g.lineTo(w, hgt - 0.5);
    g.stroke();
    if (!this.points.length) return;
    // the axis spans what is known (at least 5 min, at most the window): a fresh outage is a step, not an edge
    const t1 = Math.max(this.now(), this.points[this.points.length - 1].t);
    const span = Math.min(this.windowMs, Math.max(300_000, t1 - this.points[0].t));
    const t0 = t1 - span;
    const x = (t: number) => ((Math.max(t, t0) - t0) / span) * w;
    const y = (v: number) => hgt - 2 - (max > 0 ? (v / max) * (hgt - 6) : 0);
    g.strokeStyle = "#ff6b6e";
    g.fillStyle = "rgba(255, 77, 79, 0.22)";
    g.lineWidth = 2 * devicePixelRatio;
    g.beginPath();
    g.moveTo(x(this.points[0].t), hgt);
    let prevY = y(this.points[0].people);
    g.lineTo(x(this.points[0].t), prevY);
    for (const p of this.points.slice(1)) {
      g.lineTo(x(p.t), prevY);
      prevY = y(p.people);
      g.lineTo(x(p.t), prevY);
    }
    g.lineTo(w, prevY);
    g.lineTo(w, hgt);
    g.closePath();
    g.fill();
    g.stroke();
  }

  destroy(): void {
    this.unLang();
    this.el.remove();
  }
}
