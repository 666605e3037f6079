/**
 * Header bar: title, SAMPLE-data badge (up while any shown layer is sample data, naming those layers), mode, clock,
 * connection badge, language toggle.
 */
import { h } from "../dom";
import { setLang, t, uiLang, type StringKey } from "../i18n";
import { shownSampleLayers, subscribeSlice, uiStore } from "../../state/ui-store";

export type ConnState = { state: "connected" | "reconnecting" | "offline" | "connecting"; since: number };

export interface HeaderHandle {
  setConnection(c: ConnState): void;
  destroy(): void;
}

export function mountHeader(host: HTMLElement, modeKey: StringKey): HeaderHandle {
  const title = h("h1", { class: "app-title" });
  const sample = h("span", { class: "sample-badge", "data-testid": "sample-badge" });
  const mode = h("span", { class: "mode-name" });
  const clock = h("time", { class: "clock", "data-testid": "clock" });
  const badge = h("span", {
    class: "conn-badge",
    "data-testid": "connection-badge",
    "data-state": "connecting",
    role: "status",
  });
  const langBtn = h("button", { type: "button", class: "lang-btn", "data-testid": "lang-toggle" });
  langBtn.addEventListener("click", () => setLang(uiLang.getState().lang === "zh" ? "en" : "zh"));
  const bar = h(
    "header",
    { class: "app-header" },
    title,
    sample,
    mode,
    h("span", { class: "spacer" }),
    badge,
    clock,
    langBtn,
  );
  host.append(bar);
  let conn: ConnState = { state: "connecting", since: Date.now() };

  const renderConn = () => {
    badge.dataset.state = conn.state;
    const time = new Date(conn.since).toLocaleTimeString("en-GB");
    badge.textContent =
      conn.state === "connected"
        ? `● ${t("connected")}`
        : conn.state === "offline"
          ? `● ${t("offlineSince")} ${time}`
          : `● ${t("reconnecting")}`;
  };
  const renderSample = () => {
    const layers = shownSampleLayers(uiStore.getState());
    sample.hidden = layers.length === 0;
    sample.dataset.layers = layers.join(" ");
    sample.title =
      t("sampleBadgeLayers") + layers.map((id) => t(id === "buildings" ? "buildings" : `layer.${id}`)).join(", ");
  };
  const render = () => {
    title.textContent = t("appTitle");
    sample.textContent = t("sampleBadge");
    renderSample();
    mode.textContent = t(modeKey);
    langBtn.textContent = t("language");
    // the accessible name starts with the visible text (WCAG 2.5.3), the purpose follows
    langBtn.setAttribute("aria-label", `${t("language")} (${t("languageLabel")})`);
    renderConn();
  };
  const tick = () => (clock.textContent = new Date().toLocaleTimeString("en-GB"));
  tick();
  const timer = setInterval(tick, 1000);
  render();
  const un = uiLang.subscribe(render);
  const unSample = subscribeSlice(uiStore, (s) => shownSampleLayers(s).join(" "), renderSample);
  return {
    setConnection(c) {
      conn = c;
      renderConn();
    },
    destroy() {
      clearInterval(timer);
      un();
      unSample();
      bar.remove();
    },
  };
}
