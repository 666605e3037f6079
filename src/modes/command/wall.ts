/**
 * Wall layout: a stage designed at 3840 x 2160, scaled by the screen's height (scale = innerHeight / 2160) with its
 * width flexing (design width = innerWidth / scale), so a 16:9 screen of any size shows the same layout and an
 * ultra-wide one (5760 x 1080, 7680 x 2160) keeps the side columns at its edges with more globe between them.
 * The shared header (title, sample badge, clock, connection) and the inspector are moved onto the stage.
 */
import type { App } from "../../app/mode-api";
import { h } from "../../ui/dom";
import { t, uiLang } from "../../ui/i18n";

export const DESIGN_H = 2160;

export interface Wall {
  stage: HTMLElement;
  left: HTMLElement;
  right: HTMLElement;
  center: HTMLElement;
  /** current scale (screen px per design px) and design width */
  layout(): { scale: number; width: number };
  onLayout(cb: () => void): () => void;
  destroy(): void;
}

export function mountWall(app: App, freshness: () => number | null): Wall {
  const left = h("div", { class: "cmd-col cmd-left", "data-testid": "cmd-left" });
  const right = h("div", { class: "cmd-col cmd-right", "data-testid": "cmd-right" });
  const center = h("div", { class: "cmd-center", "data-testid": "cmd-center" });
  const header = h("div", { class: "cmd-header", "data-testid": "cmd-header" });
  const stage = h("div", { class: "cmd-stage" }, header, left, center, right);
  const wall = h("div", { class: "cmd-wall", "data-testid": "cmd-wall" }, stage);
  app.shell.root.append(wall);

  // the shared header and inspector join the stage
  const appHeader = app.shell.top.querySelector<HTMLElement>(".app-header");
  if (appHeader) header.append(appHeader);
  const inspector = app.shell.right.querySelector<HTMLElement>('[data-testid="inspector"]');
  if (inspector) center.append(inspector);
  const fresh = h("span", { class: "cmd-fresh", "data-testid": "cmd-freshness" });
  appHeader?.querySelector(".clock")?.before(fresh);

  const renderFresh = () => {
    const age = freshness();
    fresh.dataset.stale = String(age === null || age > 10_000);
    fresh.textContent = `${t("cmd.freshness")} ${age === null ? t("cmd.noData") : `${Math.round(age / 1000)} ${t("cmd.secondsAgo")}`}`;
  };
  renderFresh();
  const freshTimer = setInterval(renderFresh, 1000);
  const unLang = uiLang.subscribe(renderFresh);

  const listeners = new Set<() => void>();
  let current = { scale: 1, width: 3840 };
  const apply = () => {
    const scale = window.innerHeight / DESIGN_H;
    const width = window.innerWidth / scale;
    current = { scale, width };
    stage.style.width = `${width}px`;
    stage.style.transform = `scale(${scale})`;
    wall.dataset.scale = scale.toFixed(4);
    for (const l of listeners) l();
  };
  apply();
  window.addEventListener("resize", apply);

  return {
    stage,
    left,
    right,
    center,
    layout: () => current,
    onLayout(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    destroy() {
      window.removeEventListener("resize", apply);
      clearInterval(freshTimer);
      unLang();
      listeners.clear();
      wall.remove();
    },
  };
}

/**
 * Keep a stage element that sits at the bottom of the centre column (the follow card) above the history timeline.
 * The timeline is fixed in screen pixels, the stage is scaled, so the gap is measured on screen and converted to
 * stage pixels: at 1280x720 (scale 1/3) a 60 px timeline needs the card 180 stage px up, at 3840x2160 only 60.
 * Returns a remover.
 */
export function liftAboveTimeline(el: HTMLElement, wall: Wall, gapPx = 8): () => void {
  const lift = () => {
    const tl = document.querySelector<HTMLElement>(".timeline");
    const box = el.offsetParent;
    if (!tl || !(box instanceof HTMLElement) || tl.hidden) {
      el.style.bottom = "";
      return;
    }
    const { scale } = wall.layout();
    const rise = box.getBoundingClientRect().bottom - tl.getBoundingClientRect().top + gapPx; // screen px
    el.style.bottom = `${Math.max(0, rise / scale)}px`;
  };
  const ro = new ResizeObserver(lift);
  const tl = document.querySelector<HTMLElement>(".timeline");
  if (tl) ro.observe(tl);
  ro.observe(el);
  const off = wall.onLayout(lift);
  lift();
  return () => {
    ro.disconnect();
    off();
  };
}

/**
 * Keep the history timeline (fixed in screen pixels) inside the wall's centre column, so it never covers the side
 * columns' panels: its width follows the column's width on screen, and its controls wrap onto a second row where
 * the column is narrow (1280x720). Returns a remover that gives the timeline its own layout back.
 */
export function fitTimelineToCentre(wall: Wall, marginPx = 8): () => void {
  const fit = () => {
    const tl = document.querySelector<HTMLElement>(".timeline");
    if (!tl) return;
    const c = wall.center.getBoundingClientRect();
    tl.style.left = `${c.left + c.width / 2}px`;
    tl.style.width = `${Math.max(0, Math.min(920, c.width - 2 * marginPx))}px`;
    tl.style.flexWrap = "wrap";
  };
  const off = wall.onLayout(fit);
  fit();
  return () => {
    off();
    const tl = document.querySelector<HTMLElement>(".timeline");
    if (tl) for (const p of ["left", "width", "flex-wrap"]) tl.style.removeProperty(p);
  };
}
