/**
 * The kiosk's language switch: one button toggles between Chinese and English; the idle reset returns to the
 * language the page started in. Captions show the other language too (`other`, `langAttr`).
 */
import { setLang, uiLang, type Lang } from "../../ui/i18n";

export const other = (l: Lang): Lang => (l === "zh" ? "en" : "zh");
/** the `lang` attribute of text in a language */
export const langAttr = (l: Lang): string => (l === "zh" ? "zh-CN" : "en");

export class KioskLanguage {
  /** the page's language at start: what the idle reset returns to */
  private readonly initial: Lang = uiLang.getState().lang;

  current(): Lang {
    return uiLang.getState().lang;
  }

  toggle(): void {
    setLang(other(this.current()));
  }

  reset(): void {
    if (this.current() !== this.initial) setLang(this.initial);
  }

  /** calls `fn` after every language change; returns the unsubscriber */
  subscribe(fn: () => void): () => void {
    return uiLang.subscribe(fn);
  }
}
