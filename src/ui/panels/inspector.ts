/**
 * Inspector: the selected object's attributes and, for live layers, its live status and metrics, refreshed on each
 * live frame. Every value is set as text.
 */
import type { Layer, LiveView, FieldValue } from "../../layers/types";
import { select, subscribeSlice, uiStore, type Selection } from "../../state/ui-store";
import { clear, h } from "../dom";
import { hasKey, t, uiLang, type StringKey } from "../i18n";
import { STATUS_CSS } from "../theme";

export interface InspectorDeps {
  layers: readonly Layer[];
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
  const body = h("div", { class: "inspector-body" });
  const liveBox = h("div", { class: "inspector-live", "data-testid": "inspector-live" });
  const title = h("h2", { class: "panel-title" });
  const closeBtn = h("button", { type: "button", class: "close-btn", onclick: () => select(null) }, "×");
  const actions = h("div", { class: "inspector-actions" });
  const panel = h(
    "aside",
    { class: "panel inspector", "data-testid": "inspector", hidden: true },
    h("div", { class: "panel-head" }, title, closeBtn),
    body,
    liveBox,
    actions,
  );
  host.append(panel);

  const layerOf = (id: string) => deps.layers.find((l) => l.id === id);

  const renderLive = () => {
    const sel = uiStore.getState().selection;
    clear(liveBox);
    if (!sel || sel.kind !== "object" || !deps.live) return;
    const live = deps.live;
    const st = live.status(sel.layer, sel.index);
    const seen = live.lastSeen(sel.layer, sel.index);
    const statusKey = `status.${st}`;
    liveBox.append(
      h(
        "div",
        { class: "kv" },
        h("span", { class: "k" }, t("status")),
        h(
          "span",
          { class: "v status-pill", "data-status": st, style: `--c:${STATUS_CSS[st] ?? STATUS_CSS[4]}` },
          hasKey(statusKey) ? t(statusKey) : String(st),
        ),
      ),
    );
    if (seen > 0) {
      liveBox.append(
        h(
          "div",
          { class: "kv" },
          h("span", { class: "k" }, t("lastSeen")),
          h("span", { class: "v", "data-testid": "last-seen" }, new Date(seen).toLocaleTimeString("en-GB")),
        ),
      );
    }
    for (const m of live.metricNames(sel.layer)) {
      const v = live.metric(sel.layer, m, sel.index);
      if (v === undefined || Number.isNaN(v)) continue;
      const key = `live.${m}`;
      liveBox.append(
        h(
          "div",
          { class: "kv live" },
          h("span", { class: "k" }, hasKey(key) ? t(key) : m),
          h("span", { class: "v", "data-metric": m }, fmtMetric(m, v)),
        ),
      );
    }
  };

  const render = () => {
    const sel = uiStore.getState().selection;
    panel.hidden = !sel;
    closeBtn.setAttribute("aria-label", t("close"));
    clear(body);
    clear(actions);
    if (!sel) return;
    title.textContent = t("inspector");
    const rows: Array<[StringKey, FieldValue]> = [];
    if (sel.kind === "object") {
      const l = layerOf(sel.layer);
      if (!l) return;
      title.textContent = `${t(l.titleKey)}`;
      rows.push(...l.fields(sel.index));
      const origin = uiStore.getState().origins[sel.layer];
      if (origin) rows.push(["field.source", origin.sample ? t("sourceSample") : (origin.source ?? "—")]);
      panel.dataset.objectId = l.idOf(sel.index);
    } else {
      title.textContent = t("buildings");
      const b = sel.props;
      rows.push(
        ["field.id", b.id],
        ["field.usage", b.usage],
        ["field.floors", b.floors],
        ["field.buildingHeight", b.heightM],
        ["field.district", b.district],
      );
      const origin = uiStore.getState().buildings;
      if (origin) rows.push(["field.source", origin.sample ? t("sourceSample") : (origin.source ?? "—")]);
      panel.dataset.objectId = b.id;
    }
    for (const [k, v] of rows)
      body.append(
        h(
          "div",
          { class: "kv" },
          h("span", { class: "k" }, t(k)),
          h("span", { class: "v", "data-field": k.replace("field.", "") }, fmt(v)),
        ),
      );
    if (deps.actions) for (const a of deps.actions(sel)) actions.append(a);
    renderLive();
  };
  render();
  const u1 = subscribeSlice(uiStore, (s) => s.selection, render);
  const u2 = uiLang.subscribe(render);
  const u3 = deps.onLiveTick?.(() => {
    if (uiStore.getState().selection?.kind === "object") renderLive();
  });
  return () => {
    u1();
    u2();
    u3?.();
    panel.remove();
  };
}
