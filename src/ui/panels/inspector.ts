/**
 * Inspector: the selected object's attributes and, for live layers, its live status and metrics, refreshed on each
 * live frame. Every value is set as text.
 */
import type { Layer, LiveView, FieldValue } from "../../layers/types";
import { select, subscribeSlice, uiStore, type Selection } from "../../state/ui-store";
import { clear, h } from "../dom";
import { hasKey, t, uiLang, type StringKey } from "../i18n";
import { STATUS_CSS } from "../theme";

/** what the inspector reads of a layer */
export type InspectorLayer = Pick<Layer, "id" | "titleKey" | "idOf" | "fields">;

export interface InspectorDeps {
  /** asked on each render: a scene rebuild replaces the layers */
  layers: () => readonly InspectorLayer[];
  live: LiveView | null;
  /** subscribe to "live state changed" ticks; returns unsubscribe */
  onLiveTick?: (cb: () => void) => () => void;
  /** optional extra actions for an object (e.g. "look inside") */
  actions?: (sel: Exclude<Selection, null>) => HTMLElement[];
}

function fmt(v: FieldValue): string {
  if (v === null) return "—";
  if (typeof v === "boolean") return v ? t("yes") : t("no");
  if (Array.isArray(v)) return v.join(" / ");
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(2);
  return String(v);
}

function fmtMetric(name: string, v: number): string {
  if (name === "rackUtil" || name === "occupancy" || name === "load" || /^s\d$/.test(name))
    return `${(v * 100).toFixed(0)}%`;
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(name === "pue" ? 3 : 1);
}

export function mountInspector(host: HTMLElement, deps: InspectorDeps): () => void {
  const panel = new InspectorPanel(host, deps);
  panel.start();
  return () => panel.destroy();
}

const kv = (key: string, value: HTMLElement, cls = "kv") =>
  h("div", { class: cls }, h("span", { class: "k" }, key), value);

/**
 * The panel's lifecycle: the constructor builds the DOM into `host`; `start` renders and subscribes (selection,
 * language, live ticks); `destroy` unsubscribes and removes the panel.
 */
class InspectorPanel {
  private readonly body = h("div", { class: "inspector-body" });
  private readonly liveBox = h("div", { class: "inspector-live", "data-testid": "inspector-live" });
  private readonly title = h("h2", { class: "panel-title" });
  private readonly closeBtn = h("button", { type: "button", class: "close-btn", onclick: () => select(null) }, "×");
  private readonly actions = h("div", { class: "inspector-actions" });
  private readonly panel: HTMLElement;
  private readonly offs: Array<() => void> = [];

  constructor(
    host: HTMLElement,
    private readonly deps: InspectorDeps,
  ) {
    this.panel = h(
      "aside",
      { class: "panel inspector", "data-testid": "inspector", hidden: true },
      h("div", { class: "panel-head" }, this.title, this.closeBtn),
      this.body,
      this.liveBox,
      this.actions,
    );
    host.append(this.panel);
  }

  start(): void {
    this.render();
    this.offs.push(subscribeSlice(uiStore, (s) => s.selection, this.render));
    this.offs.push(uiLang.subscribe(this.render));
    const off = this.deps.onLiveTick?.(() => {
      if (uiStore.getState().selection?.kind === "object") this.renderLive();
    });
    if (off) this.offs.push(off);
  }

  destroy(): void {
    for (const off of this.offs.splice(0)) off();
    this.panel.remove();
  }

  /** the selection's attributes, its actions and its live values */
  private readonly render = (): void => {
    const sel = uiStore.getState().selection;
    const { panel, body, actions, title } = this;
    panel.hidden = !sel;
    this.closeBtn.setAttribute("aria-label", t("close"));
    clear(body);
    clear(actions);
    if (!sel) return;
    title.textContent = t("inspector");
    const rows = sel.kind === "object" ? this.objectRows(sel) : this.buildingRows(sel);
    if (!rows) return;
    for (const [k, v] of rows)
      body.append(kv(t(k), h("span", { class: "v", "data-field": k.replace("field.", "") }, fmt(v))));
    if (this.deps.actions) for (const a of this.deps.actions(sel)) actions.append(a);
    this.renderLive();
  };

  /** a twin object's fields and data source (null: its layer is not shown here) */
  private objectRows(sel: Extract<Selection, { kind: "object" }>): Array<[StringKey, FieldValue]> | null {
    const l = this.deps.layers().find((x) => x.id === sel.layer);
    if (!l) return null;
    this.title.textContent = `${t(l.titleKey)}`;
    const rows: Array<[StringKey, FieldValue]> = [...l.fields(sel.index)];
    const origin = uiStore.getState().origins[sel.layer];
    if (origin) rows.push(["field.source", origin.sample ? t("sourceSample") : (origin.source ?? "—")]);
    this.panel.dataset.objectId = l.idOf(sel.index);
    return rows;
  }

  /** a building's properties and the buildings' data source */
  private buildingRows(sel: Extract<Selection, { kind: "building" }>): Array<[StringKey, FieldValue]> {
    this.title.textContent = t("buildings");
    const b = sel.props;
    const rows: Array<[StringKey, FieldValue]> = [
      ["field.id", b.id],
      ["field.usage", b.usage],
      ["field.floors", b.floors],
      ["field.buildingHeight", b.heightM],
      ["field.district", b.district],
    ];
    const origin = uiStore.getState().buildings;
    if (origin) rows.push(["field.source", origin.sample ? t("sourceSample") : (origin.source ?? "—")]);
    this.panel.dataset.objectId = b.id;
    return rows;
  }

  /** the selected object's live status, last-seen time and metrics */
  private renderLive(): void {
    const sel = uiStore.getState().selection;
    const { liveBox } = this;
    clear(liveBox);
    const live = this.deps.live;
    if (!sel || sel.kind !== "object" || !live) return;
    const st = live.status(sel.layer, sel.index);
    const seen = live.lastSeen(sel.layer, sel.index);
    const statusKey = `status.${st}`;
    const pill = { class: "v status-pill", "data-status": st, style: `--c:${STATUS_CSS[st] ?? STATUS_CSS[4]}` };
    liveBox.append(kv(t("status"), h("span", pill, hasKey(statusKey) ? t(statusKey) : String(st))));
    if (seen > 0) {
      const time = new Date(seen).toLocaleTimeString("en-GB");
      liveBox.append(kv(t("lastSeen"), h("span", { class: "v", "data-testid": "last-seen" }, time)));
    }
    for (const m of live.metricNames(sel.layer)) {
      const v = live.metric(sel.layer, m, sel.index);
      if (v === undefined || Number.isNaN(v)) continue;
      const key = `live.${m}`;
      liveBox.append(
        kv(hasKey(key) ? t(key) : m, h("span", { class: "v", "data-metric": m }, fmtMetric(m, v)), "kv live"),
      );
    }
  }
}
