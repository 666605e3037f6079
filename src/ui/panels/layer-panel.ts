/** Layer panel: one checkbox per layer (accessible name = Chinese + English name + object count) and the legend. */
import type { Layer } from "../../layers/types";
import { setLayerVisible, subscribeSlice, uiStore } from "../../state/ui-store";
import { clear, h } from "../dom";
import { both, t, uiLang } from "../i18n";

type BuildingsToggle = { setVisible(v: boolean): void };

export function mountLayerPanel(
  host: HTMLElement,
  /** asked on each render: a scene rebuild replaces the layers */
  layers: () => readonly Layer[],
  buildings: BuildingsToggle | null,
): () => void {
  const list = h("div", { class: "layer-list", role: "group" });
  const legend = h("div", { class: "legend", "data-testid": "legend" });
  const title = h("h2", { class: "panel-title" });
  const legendTitle = h("h3", { class: "panel-subtitle" });
  const panel = h(
    "section",
    { class: "panel layer-panel", "data-testid": "layer-panel" },
    title,
    list,
    legendTitle,
    legend,
  );
  host.append(panel);

  const render = () => {
    title.textContent = t("layers");
    legendTitle.textContent = t("legend");
    list.setAttribute("aria-label", t("layers"));
    clear(list);
    for (const l of layers()) list.append(layerRow(l));
    if (buildings) list.append(buildingsRow(buildings));
    clear(legend);
    for (const l of layers()) if (uiStore.getState().visible[l.id]) legend.append(...legendOf(l));
  };
  render();
  const un1 = uiLang.subscribe(render);
  const un2 = subscribeSlice(
    uiStore,
    (s) => s.visible,
    (vis) => {
      for (const l of layers()) if (l.visible !== vis[l.id]) l.setVisible(vis[l.id]);
      render();
    },
  );
  const un3 = subscribeSlice(uiStore, (s) => s.buildings, render);
  return () => {
    un1();
    un2();
    un3();
    panel.remove();
  };
}

/** a layer's checkbox row: name and object count */
function layerRow(l: Layer): HTMLElement {
  const count = l.count.toLocaleString("en-US");
  const box = h("input", {
    type: "checkbox",
    "data-layer": l.id,
    "aria-label": `${both(l.titleKey)} (${count})`,
  });
  box.checked = uiStore.getState().visible[l.id];
  box.addEventListener("change", () => setLayerVisible(l.id, box.checked));
  return h(
    "label",
    { class: "layer-row" },
    box,
    h("span", { class: "layer-name" }, t(l.titleKey)),
    h("span", { class: "layer-count", "data-testid": `count-${l.id}` }, count),
  );
}

/** the buildings' row: the count is known once the tileset is in, and only when the tileset states it (the
 *  project's tiler does) */
function buildingsRow(buildings: BuildingsToggle): HTMLElement {
  const n = uiStore.getState().buildings?.count;
  const count = n == null ? "" : n.toLocaleString("en-US");
  const box = h("input", {
    type: "checkbox",
    "data-layer": "buildings",
    "aria-label": count ? `${both("buildings")} (${count})` : both("buildings"),
  });
  box.checked = uiStore.getState().buildingsVisible;
  box.addEventListener("change", () => {
    uiStore.setState({ buildingsVisible: box.checked });
    buildings.setVisible(box.checked);
  });
  return h(
    "label",
    { class: "layer-row" },
    box,
    h("span", { class: "layer-name" }, t("buildings")),
    h("span", { class: "layer-count", "data-testid": "count-buildings" }, count),
  );
}

/** a shown layer's legend: its title, then one swatch per legend item */
function legendOf(l: Layer): HTMLElement[] {
  return [
    h("div", { class: "legend-layer" }, t(l.titleKey)),
    ...l
      .legend()
      .map((item) =>
        h(
          "div",
          { class: "legend-item" },
          h("span", { class: `swatch ${item.shape}`, style: `--c:${item.color}` }),
          t(item.key),
        ),
      ),
  ];
}
