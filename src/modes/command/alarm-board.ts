/**
 * The wall's alarm board: active alarms (critical first, newest first), the one the camera is following marked,
 * acknowledged ones dimmed with who and when. Operators (server role "operator") get an acknowledge button; the ack
 * goes to the gateway, which broadcasts it to every screen. Renders at most once a second and at most `limit` rows
 * (DOM size is bounded however many alarms there are); a long list pages itself slowly (DataV-style scrolling).
 */
import type { Alarm } from "../../protocol/live";
import type { LiveStore } from "../../state/live-store";
import { subscribeSlice } from "../../state/ui-store";
import { clear, h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";

export interface AlarmBoardDeps {
  store: LiveStore;
  nameOf(a: Alarm): string;
  ack(a: Alarm): void;
  choose(a: Alarm): void;
  following(): string | null;
  limit?: number;
  scrollEveryMs?: number;
}

const time = (ms: number) => new Date(ms).toLocaleTimeString("en-GB");

export function mountAlarmBoard(host: HTMLElement, deps: AlarmBoardDeps): { render(): void; destroy(): void } {
  const title = h("h2", { class: "cmd-title" });
  const counts = h("span", { class: "alarm-counts", "data-testid": "cmd-alarm-count" });
  const list = h("ol", { class: "cmd-alarm-list", "data-testid": "cmd-alarm-list" });
  const panel = h(
    "section",
    { class: "cmd-panel alarm-board", "data-testid": "alarm-board" },
    h("div", { class: "cmd-head" }, title, counts),
    list,
  );
  host.append(panel);
  const limit = deps.limit ?? 40;

  const render = () => {
    dirty = false;
    const s = deps.store.getState();
    const lang = uiLang.getState().lang;
    const canAck = s.server?.role === "operator";
    const active = s.alarms.filter((a) => a.clearedAt === undefined);
    const crit = active.filter((a) => a.severity === "critical").length;
    title.textContent = t("cmd.alarmBoard");
    counts.textContent = `${t("sev.critical")} ${crit} · ${t("alarms")} ${active.length}`;
    const follow = deps.following();
    const top = list.scrollTop;
    clear(list);
    if (!active.length) list.append(h("li", { class: "alarm-empty" }, t("noAlarms")));
    for (const a of active.slice(0, limit)) {
      const row = h(
        "li",
        {
          class: `cmd-alarm sev-${a.severity}${a.ackedAt !== undefined ? " acked" : ""}${a.id === follow ? " following" : ""}`,
          "data-alarm-id": a.id,
          "data-acked": a.ackedAt !== undefined ? "true" : "false",
          // reachable and actionable from the keyboard, like a click
          tabindex: 0,
        },
        h("span", { class: "sev" }, t(`sev.${a.severity}`)),
        h("time", { class: "alarm-time" }, time(a.raisedAt)),
        h("span", { class: "alarm-obj" }, deps.nameOf(a)),
        h("span", { class: "alarm-text" }, lang === "zh" ? a.text_zh : a.text_en),
      );
      row.addEventListener("click", () => deps.choose(a));
      row.addEventListener("keydown", (e) => {
        if (e.target !== row || (e.key !== "Enter" && e.key !== " ")) return;
        e.preventDefault();
        deps.choose(a);
      });
      if (a.ackedAt !== undefined) {
        row.append(
          h(
            "span",
            { class: "alarm-acked", "data-testid": "acked-at" },
            `${t("cmd.ackedBy")} ${time(a.ackedAt)}${a.ackedBy ? ` · ${a.ackedBy}` : ""}`,
          ),
        );
      } else if (canAck) {
        const b = h("button", { type: "button", class: "cmd-ack", "data-testid": "cmd-ack" }, t("acknowledge"));
        b.addEventListener("click", (e) => {
          e.stopPropagation();
          deps.ack(a);
        });
        row.append(b);
      }
      list.append(row);
    }
    if (active.length > limit) list.append(h("li", { class: "alarm-more" }, `+${active.length - limit}`));
    list.scrollTop = top;
  };

  // at most one render a second (an alarm storm must not rebuild the list on every event)
  let dirty = false;
  let lastRender = 0;
  let pendingTimer: ReturnType<typeof setTimeout> | null = null;
  const request = () => {
    dirty = true;
    if (pendingTimer) return;
    const wait = Math.max(0, 1000 - (performance.now() - lastRender));
    pendingTimer = setTimeout(() => {
      pendingTimer = null;
      lastRender = performance.now();
      if (dirty) render();
    }, wait);
  };
  render();
  lastRender = performance.now();
  const u1 = subscribeSlice(deps.store, (s) => s.alarms, request);
  const u2 = subscribeSlice(deps.store, (s) => s.server?.role, request);
  const u3 = uiLang.subscribe(request);

  // slow paging through a long list, paused while the pointer is over it
  let hover = false;
  panel.addEventListener("pointerenter", () => (hover = true));
  panel.addEventListener("pointerleave", () => (hover = false));
  const scroller = setInterval(() => {
    if (hover || list.scrollHeight <= list.clientHeight + 2) return;
    const rowH = (list.firstElementChild as HTMLElement | null)?.offsetHeight ?? 60;
    const next = list.scrollTop + rowH * 3;
    list.scrollTo({ top: next + list.clientHeight > list.scrollHeight + rowH ? 0 : next, behavior: "smooth" });
  }, deps.scrollEveryMs ?? 6000);

  return {
    render: request,
    destroy() {
      u1();
      u2();
      u3();
      clearInterval(scroller);
      if (pendingTimer) clearTimeout(pendingTimer);
      panel.remove();
    },
  };
}
