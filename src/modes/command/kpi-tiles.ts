/** The live board's "digital flop" tiles: one per KPI, with its plan target or limit and a level (ok/warn/bad). */
import type { TwinData } from "../../app/twin";
import { h } from "../../ui/dom";
import { t, uiLang, type StringKey } from "../../ui/i18n";
import type { LiveKpis } from "./kpi";
import { PLAN_TEXT_TARGETS as T } from "./plan-indicators";

type Level = "ok" | "warn" | "bad" | "none";

const TILES = {
  availability: "cmd.availability",
  racks: "cmd.racks",
  pueAvg: "cmd.pueAvg",
  pueWorst: "cmd.pueWorst",
  ai: "cmd.ai",
  super: "cmd.super",
  chargerUtil: "cmd.chargerUtil",
  congestion: "cmd.congestion",
} as const satisfies Record<string, StringKey>;
type TileKey = keyof typeof TILES;

class Tile {
  readonly el: HTMLElement;
  private readonly label = h("span", { class: "flop-label" });
  private readonly value: HTMLElement;
  private readonly sub = h("span", { class: "flop-sub" });

  constructor(
    key: TileKey,
    private readonly labelKey: StringKey,
  ) {
    this.value = h("b", { class: "flop", "data-testid": `kpi-${key}` }, "—");
    this.el = h("div", { class: "flop-tile", "data-kpi": key }, this.label, this.value, this.sub);
    this.el.dataset.labelKey = labelKey;
  }

  relabel(): void {
    this.label.textContent = t(this.labelKey);
  }

  set(v: string, sub: string, level: Level = "ok", raw?: number | null): void {
    if (this.value.textContent !== v) this.value.textContent = v;
    if (this.sub.textContent !== sub) this.sub.textContent = sub;
    this.el.dataset.level = level;
    if (raw !== undefined) this.value.dataset.value = raw === null ? "" : String(raw);
  }
}

const num = (v: number) => v.toLocaleString("en-US");
const nullable = (v: number | null, fmt: (v: number) => string) => (v === null ? "—" : fmt(v));

export class KpiTiles {
  private readonly tiles: Record<TileKey, Tile>;

  constructor(
    grid: HTMLElement,
    private readonly data: () => TwinData,
  ) {
    this.tiles = Object.fromEntries((Object.keys(TILES) as TileKey[]).map((k) => [k, new Tile(k, TILES[k])])) as Record<
      TileKey,
      Tile
    >;
    for (const tl of Object.values(this.tiles)) grid.append(tl.el);
  }

  update(k: LiveKpis | null): void {
    for (const tl of Object.values(this.tiles)) tl.relabel();
    if (!k) return;
    this.availability(k);
    this.datacentres(k);
    this.mobility(k);
  }

  private availability(k: LiveKpis): void {
    const a = k.siteAvailability;
    const level: Level = a === null ? "none" : a >= 0.995 ? "ok" : a >= 0.98 ? "warn" : "bad";
    const text = nullable(a, (v) => `${(v * 100).toFixed(2)}%`);
    this.tiles.availability.set(text, `${num(k.sitesUp)} / ${num(k.sitesKnown)}`, level, a);
  }

  private datacentres(k: LiveKpis): void {
    const { racks, pueAvg, pueWorst, ai } = this.tiles;
    const racksPct = ((k.racksInService / T.racks) * 100).toFixed(0);
    const racksLevel = k.racksInService >= T.racks ? "ok" : "warn";
    racks.set(num(k.racksInService), `${t("cmd.target")} ${num(T.racks)} · ${racksPct}%`, racksLevel, k.racksInService);
    pueAvg.set(
      nullable(k.pueAvg, (v) => v.toFixed(3)),
      `${t("cmd.limit")} ≤${T.pueGeneral} · ${t("cmd.newLimit")}${T.pueNew}`,
      k.pueAvg === null ? "none" : k.pueAvg <= T.pueGeneral ? "ok" : "bad",
      k.pueAvg,
    );
    const w = k.pueWorst;
    pueWorst.set(
      nullable(w, (v) => v.toFixed(3)),
      this.worstName(k.pueWorstIndex),
      w === null ? "none" : w <= T.pueNew ? "ok" : w <= T.pueGeneral ? "warn" : "bad",
      w,
    );
    ai.set(
      `${num(Math.round(k.aiPflops))}`,
      t("cmd.aiTargets"),
      k.aiPflops >= T.aiPflops2025 ? "ok" : "warn",
      k.aiPflops,
    );
  }

  private mobility(k: LiveKpis): void {
    const { super: sup, chargerUtil, congestion } = this.tiles;
    sup.set(
      `${k.superInService}`,
      `/ ${k.superTotal} · ${t("cmd.target")} ${T.superChargers}`,
      k.superInService >= T.superChargers ? "ok" : "warn",
      k.superInService,
    );
    const u = k.chargerUtil;
    chargerUtil.set(
      nullable(u, (v) => `${(v * 100).toFixed(1)}%`),
      "",
      u === null ? "none" : "ok",
      u,
    );
    const c = k.congestion;
    congestion.set(
      nullable(c, (v) => v.toFixed(2)),
      t("cmd.congestionScale"),
      c === null ? "none" : c < 1.5 ? "ok" : c < 2.5 ? "warn" : "bad",
      c,
    );
  }

  private worstName(i: number): string {
    if (i < 0) return "";
    const dc = this.data().datacentres[i];
    return (uiLang.getState().lang === "zh" ? dc?.name : dc?.nameEn) ?? "";
  }
}
