/**
 * The wall's follow / tour status card in the centre column: which alarm the camera follows (object, text,
 * repeats), the return flight, the tour's current view or the countdown to it, and the director's queue figures.
 * Lifecycle: follows the director from construction; `destroy` unsubscribes and removes the card.
 */
import type { CameraView } from "../../config/schema";
import type { Alarm } from "../../protocol/live";
import { h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";
import type { Director, DirectorState } from "./director";

export class FollowCard {
  readonly el = h("div", { class: "cmd-panel follow-card", "data-testid": "cmd-follow", "data-activity": "idle" });
  private lastText = "";
  private readonly unsubscribe: () => void;

  constructor(
    host: HTMLElement,
    director: Director,
    private readonly tour: readonly CameraView[],
    private readonly nameOf: (a: Alarm) => string,
  ) {
    host.append(this.el);
    this.unsubscribe = director.subscribe(this.render);
    this.render(director.state());
  }

  readonly destroy = (): void => {
    this.unsubscribe();
    this.el.remove();
  };

  private readonly render = (s: DirectorState): void => {
    const card = this.el;
    card.dataset.activity = s.activity;
    if (s.activity === "alarm" && s.current) card.dataset.alarmId = s.current.alarm.id;
    const extra =
      s.queued || s.merged || s.dropped
        ? `${t("cmd.queued")} ${s.queued} · ${t("cmd.merged")} ${s.merged} · ${t("cmd.dropped")} ${s.dropped}`
        : "";
    const full = [this.activityText(s), extra].filter(Boolean).join(" · ");
    if (full !== this.lastText) {
      card.textContent = full;
      this.lastText = full;
    }
    card.hidden = !full;
    if (s.activity !== "alarm") delete card.dataset.alarmId;
  };

  private activityText(s: DirectorState): string {
    const lang = uiLang.getState().lang;
    if (s.activity === "alarm" && s.current) {
      const a = s.current.alarm;
      const count = s.current.count > 1 ? ` ×${s.current.count}` : "";
      return `${t("cmd.following")} · ${this.nameOf(a)} · ${lang === "zh" ? a.text_zh : a.text_en}${count}`;
    }
    if (s.activity === "returning") return t("cmd.returning");
    if (s.activity === "tour") {
      const v = this.tour[s.tourIndex];
      return `${t("cmd.touring")} · ${v ? (lang === "zh" ? v.name_zh : v.name_en) : ""}`;
    }
    return s.tourInMs === null ? "" : `${t("cmd.tourIn")} ${Math.ceil(s.tourInMs / 1000)} s`;
  }
}
