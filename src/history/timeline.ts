/**
 * The timeline (overview, command, planner): a LIVE / REPLAY hh:mm badge in the header that cannot be mistaken,
 * a scrubber over the recorded range, play / pause at 1x / 60x / 600x / 3600x, jump to an alarm's time, and
 * "back to live". Entering replay from live reloads the page with ?replay=<ms> (the live connection is replaced by
 * a replay connection, see live-wiring.ts); inside a replay, seeking restarts the session; back to live reloads
 * without it, so the live stream starts from a fresh snapshot.
 */
import { REPLAY_SPEEDS } from "../protocol/history";
import { h } from "../ui/dom";
import { t, uiLang } from "../ui/i18n";
import type { HistoryApi } from "./history-api";
import type { ReplayConnection, ReplaySpeedValue } from "./replay-connection";
import "./timeline.css";

export interface TimelineOptions {
  api: HistoryApi;
  /** null while live */
  replay: ReplayConnection | null;
  /** twin time now (live) */
  now: () => number;
  /** navigate (tests replace it); default location.assign */
  go?: (url: string) => void;
}

const hhmm = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}`;
};

/** the URL of this page showing a replay from `t` (null: live) */
export function replayUrl(href: string, at: number | null, speed?: number): string {
  const u = new URL(href);
  if (at === null) {
    u.searchParams.delete("replay");
    u.searchParams.delete("speed");
  } else {
    u.searchParams.set("replay", String(Math.round(at)));
    if (speed) u.searchParams.set("speed", String(speed));
  }
  return u.toString();
}

/** ?replay=<ms>&speed=<n> of this page, or null */
export function replayParams(search: string): { from: number; speed: ReplaySpeedValue } | null {
  const p = new URLSearchParams(search);
  const from = Number(p.get("replay"));
  if (!p.get("replay") || !Number.isFinite(from) || from <= 0) return null;
  const sp = Number(p.get("speed") ?? 60);
  const speed = (REPLAY_SPEEDS as readonly number[]).includes(sp) ? (sp as ReplaySpeedValue) : 60;
  return { from, speed };
}

export function mountTimeline(header: HTMLElement, host: HTMLElement, o: TimelineOptions): { destroy(): void } {
  return new Timeline(header, host, o);
}

/**
 * The header badge and the timeline bar. Lifecycle: the constructor builds them, wires the controls, loads the
 * recorded range and the alarm list and starts their refresh timers and the clock / language subscriptions;
 * `destroy` stops the timers, unsubscribes and removes the badge and the bar.
 */
class Timeline {
  private readonly go: (url: string) => void;
  private readonly replaying: boolean;
  private readonly badge = h("span", { class: "time-state", "data-testid": "time-state", role: "status" });
  private readonly scrub = h("input", {
    type: "range",
    class: "tl-scrub",
    "data-testid": "timeline-scrubber",
    min: "0",
    max: "1",
    step: "1000",
  }) as HTMLInputElement;
  private readonly play = h("button", { type: "button", class: "tl-btn", "data-testid": "timeline-play" });
  private readonly speeds = REPLAY_SPEEDS.map((s) =>
    h("button", { type: "button", class: "tl-btn tl-speed", "data-speed": String(s) }, `${s}×`),
  );
  private readonly toLive = h("button", { type: "button", class: "tl-btn tl-live", "data-testid": "timeline-live" });
  private readonly alarms = h("select", { class: "tl-alarms", "data-testid": "timeline-alarms" }) as HTMLSelectElement;
  private readonly from = h("span", { class: "tl-edge" });
  private readonly to = h("span", { class: "tl-edge" });
  private readonly bar = h(
    "section",
    { class: "timeline", "data-testid": "timeline" },
    this.play,
    ...this.speeds,
    this.from,
    this.scrub,
    this.to,
    this.alarms,
    this.toLive,
  );
  /** the recorded range (null: nothing recorded yet) */
  private range: { from: number; to: number } | null = null;
  /** the scrubber is being dragged: renders leave its value alone */
  private dragging = false;
  private readonly timers: ReturnType<typeof setInterval>[];
  private readonly unsubscribes: (() => void)[];

  constructor(
    header: HTMLElement,
    host: HTMLElement,
    private readonly o: TimelineOptions,
  ) {
    this.go = o.go ?? ((url: string) => location.assign(url));
    header.append(this.badge);
    host.append(this.bar);
    this.replaying = !!o.replay;
    document.body.classList.toggle("replaying", this.replaying);
    this.wireControls();
    void this.refresh();
    this.reloadAlarms();
    this.timers = [
      setInterval(() => void this.refresh(), 10_000),
      setInterval(this.render, 1000),
      setInterval(() => this.reloadAlarms(), 30_000),
    ];
    this.alarms.addEventListener("focus", () => this.reloadAlarms());
    const unClock = o.replay?.clock.subscribe(this.render);
    this.unsubscribes = [...(unClock ? [unClock] : []), uiLang.subscribe(this.render)];
    this.render();
  }

  readonly destroy = (): void => {
    for (const x of this.timers) clearInterval(x);
    for (const un of this.unsubscribes) un();
    this.bar.remove();
    this.badge.remove();
    document.body.classList.remove("replaying");
  };

  private shownTime(): number {
    return this.o.replay ? this.o.replay.clock.getState().t : this.o.now();
  }

  private readonly render = (): void => {
    const { replaying, range, scrub } = this;
    const at = this.shownTime();
    this.renderControls(at);
    this.bar.dataset.empty = range ? "0" : "1";
    if (!range) {
      this.from.textContent = t("tl.empty");
      this.to.textContent = "";
      return;
    }
    this.from.textContent = hhmm(range.from);
    this.to.textContent = hhmm(range.to);
    scrub.min = String(Math.floor(range.from));
    scrub.max = String(Math.ceil(range.to));
    if (!this.dragging) scrub.value = String(Math.round(replaying ? at : range.to));
  };

  /** the badge, labels, play / pause, the speed chosen, back to live */
  private renderControls(at: number): void {
    const { replaying, badge, play, toLive } = this;
    badge.dataset.state = replaying ? "replay" : "live";
    badge.textContent = replaying ? `${t("tl.replay")} ${hhmm(at)}` : t("tl.live");
    if (uiLang.getState().lang === "zh") badge.textContent += replaying ? " REPLAY" : " LIVE";
    this.bar.setAttribute("aria-label", t("tl.label"));
    this.scrub.setAttribute("aria-label", t("tl.scrub"));
    this.alarms.setAttribute("aria-label", t("tl.alarms"));
    const c = this.o.replay?.clock.getState();
    play.textContent = c?.playing ? `⏸ ${t("tl.pause")}` : `▶ ${t("tl.play")}`;
    play.toggleAttribute("disabled", !replaying);
    for (const b of this.speeds) b.classList.toggle("on", replaying && Number(b.dataset.speed) === c?.speed);
    toLive.textContent = t("tl.toLive");
    toLive.toggleAttribute("disabled", !replaying);
  }

  /** inside a replay: restart the session at `at`; live: reload the page replaying from `at` */
  private seek(at: number): void {
    if (this.o.replay) this.o.replay.seek(at);
    else this.go(replayUrl(location.href, at, 60));
  }

  private wireControls(): void {
    const { scrub, alarms, o } = this;
    scrub.addEventListener("input", () => (this.dragging = true));
    scrub.addEventListener("change", () => {
      this.dragging = false;
      this.seek(Number(scrub.value));
    });
    this.play.addEventListener("click", () => {
      if (!o.replay) return;
      if (o.replay.clock.getState().playing) o.replay.pause();
      else o.replay.resume();
    });
    for (const b of this.speeds)
      b.addEventListener("click", () => {
        const s = Number(b.dataset.speed) as ReplaySpeedValue;
        if (o.replay) o.replay.setSpeed(s);
        else if (this.range) this.go(replayUrl(location.href, this.range.to - 3600_000, s));
      });
    this.toLive.addEventListener("click", () => this.go(replayUrl(location.href, null)));
    alarms.addEventListener("change", () => {
      const at = Number(alarms.value);
      if (at > 0) this.seek(at);
    });
  }

  private async loadAlarms(): Promise<void> {
    const list = await this.o.api.alarms(50);
    this.alarms.replaceChildren(
      h("option", { value: "" }, t("tl.alarms")),
      ...list.map((a) =>
        h("option", { value: String(a.raisedAt), "data-alarm": a.id }, `${hhmm(a.raisedAt)} ${a.kind} ${a.objectId}`),
      ),
    );
  }

  /** reload the alarm list, keeping the old one if the history store does not answer */
  private reloadAlarms(): void {
    void this.loadAlarms().catch(() => {});
  }

  private async refresh(): Promise<void> {
    const r = await this.o.api.range().catch(() => null);
    this.range = r && r.from !== undefined && r.to !== undefined ? { from: r.from, to: Math.max(r.to, r.now) } : null;
    this.render();
  }
}
