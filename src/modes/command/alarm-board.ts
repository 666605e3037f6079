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
  return new AlarmBoard(host, deps);
}

/**
 * Lifecycle: the constructor builds the panel, renders once and subscribes to the alarms, the role and the
 * language; `destroy` unsubscribes, stops the paging and the pending render, and removes the panel.
 */
class AlarmBoard {
  private readonly title = h("h2", { class: "cmd-title" });
  private readonly counts = h("span", { class: "alarm-counts", "data-testid": "cmd-alarm-count" });
  private readonly list = h("ol", { class: "cmd-alarm-list", "data-testid": "cmd-alarm-list" });
  private readonly panel = h(
    "section",
    { class: "cmd-panel alarm-board", "data-testid": "alarm-board" },
    h("div", { class: "cmd-head" }, this.title, this.counts),
    this.list,
  );
  private readonly limit: number;
  // at most one render a second (an alarm storm must not rebuild the list on every event)
  private dirty = false;
  private lastRender = 0;
  private pendingTimer: ReturnType<typeof setTimeout> | null = null;
  private hover = false;
  private readonly scroller: ReturnType<typeof setInterval>;
  private readonly unsubscribes: (() => void)[];

  constructor(
    host: HTMLElement,
    private readonly deps: AlarmBoardDeps,
  ) {
    host.append(this.panel);
    this.limit = deps.limit ?? 40;
    this.renderNow();
    this.lastRender = performance.now();
    this.unsubscribes = [
      subscribeSlice(deps.store, (s) => s.alarms, this.render),
      subscribeSlice(deps.store, (s) => s.server?.role, this.render),
      uiLang.subscribe(this.render),
    ];
    // slow paging through a long list, paused while the pointer is over it
    this.panel.addEventListener("pointerenter", () => (this.hover = true));
    this.panel.addEventListener("pointerleave", () => (this.hover = false));
    this.scroller = setInterval(() => this.page(), deps.scrollEveryMs ?? 6000);
  }

  /** ask for a render: at once if the last was a second ago, else when that second is up */
  readonly render = (): void => {
    this.dirty = true;
    if (this.pendingTimer) return;
    const wait = Math.max(0, 1000 - (performance.now() - this.lastRender));
    this.pendingTimer = setTimeout(() => {
      this.pendingTimer = null;
      this.lastRender = performance.now();
      if (this.dirty) this.renderNow();
    }, wait);
  };

  readonly destroy = (): void => {
    for (const un of this.unsubscribes) un();
    clearInterval(this.scroller);
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.panel.remove();
  };

  private renderNow(): void {
    this.dirty = false;
    const { list, limit } = this;
    const s = this.deps.store.getState();
    const canAck = s.server?.role === "operator";
    const active = s.alarms.filter((a) => a.clearedAt === undefined);
    const crit = active.filter((a) => a.severity === "critical").length;
    this.title.textContent = t("cmd.alarmBoard");
    this.counts.textContent = `${t("sev.critical")} ${crit} · ${t("alarms")} ${active.length}`;
    const follow = this.deps.following();
    const top = list.scrollTop;
    clear(list);
    if (!active.length) list.append(h("li", { class: "alarm-empty" }, t("noAlarms")));
    for (const a of active.slice(0, limit)) list.append(this.row(a, a.id === follow, canAck));
    if (active.length > limit) list.append(h("li", { class: "alarm-more" }, `+${active.length - limit}`));
    list.scrollTop = top;
  }

  /** one alarm's row: click or Enter / Space chooses it; acknowledged by whom and when, or an ack button */
  private row(a: Alarm, following: boolean, canAck: boolean): HTMLElement {
    const { deps } = this;
    const lang = uiLang.getState().lang;
    const row = h(
      "li",
      {
        class: `cmd-alarm sev-${a.severity}${a.ackedAt !== undefined ? " acked" : ""}${following ? " following" : ""}`,
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
    return row;
  }

  /** scroll three rows on (back to the top past the end) */
  private page(): void {
    const { list } = this;
    if (this.hover || list.scrollHeight <= list.clientHeight + 2) return;
    const rowH = (list.firstElementChild as HTMLElement | null)?.offsetHeight ?? 60;
    const next = list.scrollTop + rowH * 3;
    list.scrollTo({ top: next + list.clientHeight > list.scrollHeight + rowH ? 0 : next, behavior: "smooth" });
  }
}
