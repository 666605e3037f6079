/** Error / warning banners (invalid config, invalid data file, lost gateway): visible, naming the problem, dismissible. */
import { dismissBanner, subscribeSlice, uiStore } from "../../state/ui-store";
import { clear, h } from "../dom";
import { t, uiLang } from "../i18n";

export function mountBanners(host: HTMLElement): () => void {
  const box = h("div", { class: "banners", role: "alert", "aria-live": "assertive" });
  host.append(box);
  const render = () => {
    clear(box);
    for (const b of uiStore.getState().banners) {
      box.append(
        h(
          "div",
          { class: `banner ${b.level}`, "data-testid": `banner-${b.id}` },
          h("span", { class: "banner-text" }, b.text),
          h("button", { class: "banner-close", type: "button", onclick: () => dismissBanner(b.id) }, t("dismiss")),
        ),
      );
    }
  };
  render();
  const u1 = subscribeSlice(uiStore, (s) => s.banners, render);
  const u2 = uiLang.subscribe(render);
  return () => {
    u1();
    u2();
    box.remove();
  };
}
