/**
 * Alarm list: active alarms first (critical > major > minor, newest first), with severity, time and object; a click
 * selects the object and flies there; operators can acknowledge (the gateway broadcasts it to every screen).
 */
import type { Alarm } from "../../protocol/live";
import type { LiveStore } from "../../state/live-store";
import { subscribeSlice } from "../../state/ui-store";
import { clear, h } from "../dom";
import { t, uiLang } from "../i18n";

export interface AlarmPanelDeps {
  store: LiveStore;
  nameOf(a: Alarm): string;
  onChoose(a: Alarm): void;
  ack(a: Alarm): void;
  /** at most this many rows (the rest are counted) */
  limit?: number;
}

export function mountAlarms(host: HTMLElement, deps: AlarmPanelDeps): () => void {
  const title = h("h2", { class: "panel-title" });
  const count = h("span", { class: "alarm-count", "data-testid": "alarm-count" });
  const list = h("ol", { class: "alarm-list", "data-testid": "alarm-list" });
  const panel = h(
    "section",
    { class: "panel alarms", "data-testid": "alarms" },
    h("div", { class: "panel-head" }, title, count),
    list,
  );
  host.append(panel);
  const limit = deps.limit ?? 40;

  const render = () => {
    const s = deps.store.getState();
    const lang = uiLang.getState().lang;
    const canAck = s.server?.role === "operator";
    const active = s.alarms.filter((a) => !a.clearedAt);
    title.textContent = t("alarms");
    count.textContent = String(active.length);
    clear(list);
    if (!active.length) list.append(h("li", { class: "alarm-empty" }, t("noAlarms")));
    for (const a of active.slice(0, limit)) {
      const row = h(
        "li",
        {
          class: `alarm sev-${a.severity}${a.ackedAt ? " acked" : ""}`,
          "data-alarm-id": a.id,
          "data-severity": a.severity,
          tabindex: 0,
        },
        h("span", { class: "sev" }, t(`sev.${a.severity}`)),
        h("time", { class: "alarm-time" }, new Date(a.raisedAt).toLocaleTimeString("en-GB")),
        h("span", { class: "alarm-obj" }, deps.nameOf(a)),
        h("span", { class: "alarm-text" }, lang === "zh" ? a.text_zh : a.text_en),
      );
      row.addEventListener("click", () => deps.onChoose(a));
      // Enter or Space on a focused alarm acts like a click (the ack button inside handles its own keys)
      row.addEventListener("keydown", (e) => {
        if (e.target !== row || (e.key !== "Enter" && e.key !== " ")) return;
        e.preventDefault();
        deps.onChoose(a);
      });
      if (a.ackedAt) row.append(h("span", { class: "alarm-acked" }, t("acknowledged")));
      else if (canAck) {
        const b = h("button", { type: "button", class: "ack-btn", "data-testid": "ack" }, t("acknowledge"));
        b.addEventListener("click", (e) => {
          e.stopPropagation();
          deps.ack(a);
        });
        row.append(b);
      }
      list.append(row);
    }
    if (active.length > limit) list.append(h("li", { class: "alarm-more" }, `+${active.length - limit}`));
  };
  render();
  // alarms can change many times a second: redraw the list at most twice a second
  let timer: ReturnType<typeof setTimeout> | null = null;
  const soon = () => {
    if (!timer) timer = setTimeout(() => ((timer = null), render()), 500);
  };
  const u1 = subscribeSlice(deps.store, (s) => s.alarms, soon);
  const u2 = subscribeSlice(deps.store, (s) => s.server?.role, render);
  const u3 = uiLang.subscribe(render);
  return () => {
    if (timer) clearTimeout(timer);
    u1();
    u2();
    u3();
    panel.remove();
  };
}
