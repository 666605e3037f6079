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
  const go = o.go ?? ((url: string) => location.assign(url));
  const badge = h("span", { class: "time-state", "data-testid": "time-state", role: "status" });
  header.append(badge);
  const scrub = h("input", {
    type: "range",
    class: "tl-scrub",
    "data-testid": "timeline-scrubber",
    min: "0",
    max: "1",
    step: "1000",
  }) as HTMLInputElement;
  const play = h("button", { type: "button", class: "tl-btn", "data-testid": "timeline-play" });
  const speeds = REPLAY_SPEEDS.map((s) =>
    h("button", { type: "button", class: "tl-btn tl-speed", "data-speed": String(s) }, `${s}×`),
  );
  const toLive = h("button", { type: "button", class: "tl-btn tl-live", "data-testid": "timeline-live" });
  const alarms = h("select", { class: "tl-alarms", "data-testid": "timeline-alarms" }) as HTMLSelectElement;
  const from = h("span", { class: "tl-edge" });
  const to = h("span", { class: "tl-edge" });
  const bar = h(
    "section",
    { class: "timeline", "data-testid": "timeline" },
    play,
    ...speeds,
    from,
    scrub,
    to,
    alarms,
    toLive,
  );
  host.append(bar);
  const replaying = !!o.replay;
  document.body.classList.toggle("replaying", replaying);
  let range: { from: number; to: number } | null = null;
  let dragging = false;

  const shownTime = () => (o.replay ? o.replay.clock.getState().t : o.now());
  const render = () => {
    const at = shownTime();
    badge.dataset.state = replaying ? "replay" : "live";
    badge.textContent = replaying ? `${t("tl.replay")} ${hhmm(at)}` : t("tl.live");
    if (uiLang.getState().lang === "zh") badge.textContent += replaying ? " REPLAY" : " LIVE";
    bar.setAttribute("aria-label", t("tl.label"));
    scrub.setAttribute("aria-label", t("tl.scrub"));
    alarms.setAttribute("aria-label", t("tl.alarms"));
    const c = o.replay?.clock.getState();
    play.textContent = c?.playing ? `⏸ ${t("tl.pause")}` : `▶ ${t("tl.play")}`;
    play.toggleAttribute("disabled", !replaying);
    for (const b of speeds) b.classList.toggle("on", replaying && Number(b.dataset.speed) === c?.speed);
    toLive.textContent = t("tl.toLive");
    toLive.toggleAttribute("disabled", !replaying);
    bar.dataset.empty = range ? "0" : "1";
    if (!range) {
      from.textContent = t("tl.empty");
      to.textContent = "";
      return;
    }
    from.textContent = hhmm(range.from);
    to.textContent = hhmm(range.to);
    scrub.min = String(Math.floor(range.from));
    scrub.max = String(Math.ceil(range.to));
    if (!dragging) scrub.value = String(Math.round(replaying ? at : range.to));
  };

  const seek = (at: number) => {
    if (o.replay) o.replay.seek(at);
    else go(replayUrl(location.href, at, 60));
  };
  scrub.addEventListener("input", () => (dragging = true));
  scrub.addEventListener("change", () => {
    dragging = false;
    seek(Number(scrub.value));
  });
  play.addEventListener("click", () => {
    if (!o.replay) return;
    if (o.replay.clock.getState().playing) o.replay.pause();
    else o.replay.resume();
  });
  for (const b of speeds)
    b.addEventListener("click", () => {
      const s = Number(b.dataset.speed) as ReplaySpeedValue;
      if (o.replay) o.replay.setSpeed(s);
      else if (range) go(replayUrl(location.href, range.to - 3600_000, s));
    });
  toLive.addEventListener("click", () => go(replayUrl(location.href, null)));
  alarms.addEventListener("change", () => {
    const at = Number(alarms.value);
    if (at > 0) seek(at);
  });

  const loadAlarms = async () => {
    const list = await o.api.alarms(50);
    alarms.replaceChildren(
      h("option", { value: "" }, t("tl.alarms")),
      ...list.map((a) =>
        h("option", { value: String(a.raisedAt), "data-alarm": a.id }, `${hhmm(a.raisedAt)} ${a.kind} ${a.objectId}`),
      ),
    );
  };
  const refresh = async () => {
    const r = await o.api.range().catch(() => null);
    range = r && r.from !== undefined && r.to !== undefined ? { from: r.from, to: Math.max(r.to, r.now) } : null;
    render();
  };
  void refresh();
  void loadAlarms().catch(() => {});
  const timers = [
    setInterval(() => void refresh(), 10_000),
    setInterval(render, 1000),
    setInterval(() => void loadAlarms().catch(() => {}), 30_000),
  ];
  alarms.addEventListener("focus", () => void loadAlarms().catch(() => {}));
  const unClock = o.replay?.clock.subscribe(render);
  const unLang = uiLang.subscribe(render);
  render();
  return {
    destroy() {
      for (const x of timers) clearInterval(x);
      unClock?.();
      unLang();
      bar.remove();
      badge.remove();
      document.body.classList.remove("replaying");
    },
  };
}
