/** The kiosk's button bar: one big button per chapter and per layer, the language toggle and "play the tour". */
import { h } from "../../ui/dom";
import { t, type Lang } from "../../ui/i18n";
import { KIOSK_LAYERS, type KioskLayerId } from "./layers";
import { CHAPTERS } from "./story";

export interface KioskBarActions {
  chooseChapter(index: number): void;
  toggleLayer(id: KioskLayerId): void;
  toggleLanguage(): void;
  play(): void;
}

export class KioskBar {
  readonly root: HTMLElement;
  private readonly chapterBtns: HTMLButtonElement[];
  private readonly layerBtns = new Map<KioskLayerId, HTMLButtonElement>();
  private readonly langBtn: HTMLButtonElement;
  private readonly playBtn: HTMLButtonElement;
  private readonly chaptersLabel = h("span", { class: "kiosk-group-label" });
  private readonly layersLabel = h("span", { class: "kiosk-group-label" });

  constructor(act: KioskBarActions) {
    this.chapterBtns = CHAPTERS.map((c, i) =>
      h("button", {
        type: "button",
        class: "kiosk-btn kiosk-chapter",
        "data-chapter": c.id,
        "data-testid": `kiosk-chapter-${c.id}`,
        onclick: () => act.chooseChapter(i),
      }),
    );
    for (const id of KIOSK_LAYERS) {
      const attrs = { type: "button", class: "kiosk-btn kiosk-layer", "data-layer": id };
      this.layerBtns.set(
        id,
        h("button", { ...attrs, "data-testid": `kiosk-layer-${id}`, onclick: () => act.toggleLayer(id) }),
      );
    }
    this.langBtn = h("button", {
      type: "button",
      class: "kiosk-btn kiosk-lang",
      "data-testid": "kiosk-lang",
      onclick: () => act.toggleLanguage(),
    });
    this.playBtn = h("button", {
      type: "button",
      class: "kiosk-btn kiosk-play",
      "data-testid": "kiosk-play",
      onclick: () => act.play(),
    });
    this.root = h(
      "nav",
      { class: "kiosk-bar", "data-testid": "kiosk-bar" },
      h("div", { class: "kiosk-group" }, this.chaptersLabel, ...this.chapterBtns),
      h("div", { class: "kiosk-group" }, this.layersLabel, ...this.layerBtns.values()),
      h("div", { class: "kiosk-group kiosk-end" }, this.langBtn, this.playBtn),
    );
  }

  /** labels in `lang`; the current chapter's and the shown layers' buttons pressed */
  render(lang: Lang, chapter: number, isVisible: (id: KioskLayerId) => boolean): void {
    this.chapterBtns.forEach((b, i) => {
      b.textContent = CHAPTERS[i].short[lang];
      b.setAttribute("aria-pressed", String(chapter === i));
    });
    for (const [id, b] of this.layerBtns) {
      b.textContent = id === "buildings" ? t("buildings") : t(`layer.${id}`);
      b.setAttribute("aria-pressed", String(isVisible(id)));
    }
    this.chaptersLabel.textContent = t("kiosk.chapters");
    this.layersLabel.textContent = t("kiosk.layers");
    this.langBtn.textContent = t("kiosk.lang");
    this.langBtn.setAttribute("aria-label", `${t("kiosk.lang")} (${t("languageLabel")})`);
    this.playBtn.textContent = `▶ ${t("kiosk.play")}`;
  }
}
