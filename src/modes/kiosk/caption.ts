/**
 * The kiosk's caption card: the chapter's step, bilingual title, caption text, the plan's figures, one live figure,
 * the plan as source and the attract loop's progress bar.
 */
import type { App } from "../../app/mode-api";
import { clear, h } from "../../ui/dom";
import { t, type Lang } from "../../ui/i18n";
import { liveFigure, siteTrajectory, trajectoryFigure } from "./figures";
import { langAttr, other } from "./language";
import { CHAPTERS, LIVE_LABELS, PLAN_SOURCE, type Chapter } from "./story";

export class KioskCaption {
  readonly root: HTMLElement;
  private readonly step = h("div", { class: "kiosk-step", "data-testid": "kiosk-step" });
  private readonly title = h("h2", { class: "kiosk-title", "data-testid": "kiosk-caption-title" });
  private readonly titleAlt = h("div", { class: "kiosk-title-alt", "data-testid": "kiosk-caption-alt" });
  private readonly text = h("p", { class: "kiosk-text", "data-testid": "kiosk-caption-text" });
  private readonly figures = h("div", { class: "kiosk-figures" });
  private readonly live = h("div", { class: "kiosk-live", "data-testid": "kiosk-live" });
  private readonly source = h("div", { class: "kiosk-source" });
  private readonly bar = h("span", { class: "kiosk-progress-bar" });
  private readonly progress = h("div", { class: "kiosk-progress" }, this.bar);
  private readonly trajectory: ReturnType<typeof siteTrajectory>;

  constructor(
    private readonly app: App,
    /** seconds per chapter of the attract loop (the progress bar's duration) */
    private readonly dwellS: number,
  ) {
    this.trajectory = siteTrajectory(app);
    this.root = h(
      "section",
      // focusable: on a small portrait screen the caption scrolls, and a scrolling region must be reachable by keyboard
      { class: "kiosk-caption", "data-testid": "kiosk-caption", "aria-live": "polite", tabindex: 0 },
      this.step,
      this.title,
      this.titleAlt,
      this.text,
      this.figures,
      this.live,
      this.source,
      this.progress,
    );
  }

  /** the shown title (the test hook reports it) */
  titleText(): string | null {
    return this.title.textContent;
  }

  /** the chapter's texts in `lang` (the title in the other language too), its figures and its live figure */
  render(chapter: Chapter, lang: Lang): void {
    const alt = other(lang);
    const i = CHAPTERS.indexOf(chapter);
    this.root.dataset.chapter = chapter.id;
    this.step.textContent = `${String(i + 1).padStart(2, "0")} / ${String(CHAPTERS.length).padStart(2, "0")}`;
    this.title.textContent = chapter.title[lang];
    this.title.lang = langAttr(lang);
    this.titleAlt.textContent = chapter.title[alt];
    this.titleAlt.lang = langAttr(alt);
    this.text.textContent = chapter.caption[lang];
    this.text.lang = langAttr(lang);
    this.renderFigures(chapter, lang);
    this.source.textContent = `${t("kiosk.source")}：${PLAN_SOURCE[lang]}`;
    this.renderLive(chapter, lang);
  }

  /** the chapter's live figure from the current live state */
  renderLive(chapter: Chapter, lang: Lang): void {
    const v = liveFigure(this.app, chapter.live);
    this.live.dataset.empty = String(v === "—");
    this.live.replaceChildren(
      h("span", { class: "kiosk-live-dot" }),
      `${t("kiosk.live")} · ${LIVE_LABELS[chapter.live][lang]}：`,
      h("b", { "data-live": chapter.live }, v),
    );
  }

  /** shows the progress bar running for one chapter (`auto`: the loop plays) or hides it */
  restartProgress(auto: boolean): void {
    const { bar } = this;
    this.progress.hidden = !auto;
    bar.style.animation = "none";
    void bar.offsetWidth; // restart the CSS animation
    bar.style.animation = auto ? `kiosk-progress ${this.dwellS}s linear forwards` : "none";
  }

  private renderFigures(chapter: Chapter, lang: Lang): void {
    const { figures } = this;
    clear(figures);
    for (const f of chapter.figures) {
      figures.append(
        h(
          "div",
          { class: "kiosk-figure" },
          h("div", { class: "kiosk-figure-value" }, f.value, f.unit[lang] ? h("small", {}, ` ${f.unit[lang]}`) : null),
          h("div", { class: "kiosk-figure-label" }, f.label[lang]),
        ),
      );
    }
    if (chapter.id === "networks") figures.append(trajectoryFigure(this.trajectory, lang));
  }
}
