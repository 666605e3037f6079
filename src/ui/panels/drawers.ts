/**
 * Side panels as drawers on narrow screens (a tablet or phone, a portrait screen under 1100 px): a tab bar under the
 * header opens one drawer at a time, so two panels never cover each other (the alarm list no longer lies over the
 * layer panel). On wide screens the tab bar is hidden by CSS and every panel stays where it is; the open state is
 * kept either way, so rotating a tablet needs no script.
 *
 * Markup contract (styled in style.css): `.drawer-tabs` holds one `button.drawer-tab` per drawer
 * (aria-expanded, aria-controls); a drawer is its panel element with `data-drawer=<id>` and `data-open` when open.
 */
import { h } from "../dom";
import { t, uiLang, type StringKey } from "../i18n";

/** the width below which side panels become drawers (keep in step with the media queries in style.css) */
export const DRAWER_MAX_WIDTH = 1100;

interface Drawer {
  id: string;
  el: HTMLElement;
  tab: HTMLButtonElement;
  label: StringKey;
}

export class Drawers {
  private readonly bar: HTMLElement;
  private readonly drawers: Drawer[] = [];
  private readonly unLang: () => void;
  private openId: string | null = null;

  constructor(private readonly root: HTMLElement) {
    this.bar = h("div", { class: "drawer-tabs", role: "group", "data-testid": "drawer-tabs" });
    root.append(this.bar);
    this.unLang = uiLang.subscribe(() => this.relabel());
    document.addEventListener("keydown", this.onKey);
  }

  /** Escape closes the open drawer and gives the focus back to its tab */
  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key !== "Escape" || !this.openId || !Drawers.narrow()) return;
    const d = this.drawers.find((x) => x.id === this.openId);
    this.open(null);
    d?.tab.focus();
  };

  /** Make `el` a drawer with a tab named by `label`; drawers keep the order they were added in. */
  add(id: string, el: HTMLElement, label: StringKey): void {
    if (!el.id) el.id = `drawer-${id}`;
    el.dataset.drawer = id;
    const tab = h("button", {
      type: "button",
      class: "drawer-tab",
      "data-testid": `drawer-tab-${id}`,
      "aria-controls": el.id,
      "aria-expanded": "false",
      onclick: () => this.toggle(id),
    });
    this.drawers.push({ id, el, tab, label });
    this.bar.append(tab);
    this.relabel();
  }

  /** Open one drawer (closing the others) or, with null, close them all. */
  open(id: string | null): void {
    this.openId = id;
    for (const d of this.drawers) {
      const on = d.id === id;
      d.el.toggleAttribute("data-open", on);
      d.tab.setAttribute("aria-expanded", String(on));
    }
    this.root.dataset.drawer = id ?? "";
  }

  toggle(id: string): void {
    this.open(this.openId === id ? null : id);
  }

  get current(): string | null {
    return this.openId;
  }

  /** true while the narrow layout (drawers) is in effect */
  static narrow(): boolean {
    return window.matchMedia(`(max-width: ${DRAWER_MAX_WIDTH}px)`).matches;
  }

  destroy(): void {
    this.unLang();
    document.removeEventListener("keydown", this.onKey);
    this.bar.remove();
    for (const d of this.drawers) {
      delete d.el.dataset.drawer;
      d.el.removeAttribute("data-open");
    }
  }

  private relabel(): void {
    this.bar.setAttribute("aria-label", t("drawers"));
    for (const d of this.drawers) d.tab.textContent = t(d.label);
  }
}
