/** Camera preset buttons (whole city, urban core, 滨海新城 …); they fly the current camera (a scene rebuild makes a new one). */
import type { Camera } from "cesium";
import type { CameraView } from "../../config/schema";
import { flyToView } from "../../scene/camera";
import { clear, h } from "../dom";
import { t, uiLang } from "../i18n";

export function mountViews(host: HTMLElement, camera: () => Camera, views: readonly CameraView[]): () => void {
  const panel = h("nav", { class: "panel views", "data-testid": "views" });
  host.append(panel);
  const render = () => {
    clear(panel);
    const lang = uiLang.getState().lang;
    panel.append(h("span", { class: "views-title" }, t("views")));
    for (const v of views) {
      panel.append(
        h(
          "button",
          { type: "button", class: "view-btn", "data-view": v.id, onclick: () => void flyToView(camera(), v) },
          lang === "zh" ? v.name_zh : v.name_en,
        ),
      );
    }
  };
  render();
  const un = uiLang.subscribe(render);
  return () => {
    un();
    panel.remove();
  };
}
