/**
 * The drill-down overlay's DOM: title, the stage the three.js view draws into, and the side panel of live values
 * (per facility kind) with the data centre's colour-by toggles and legend. Rebuilt values on every `render`; the
 * toggles are built once and only restyled, so a click is never lost to a live refresh.
 */
import type { TwinData } from "../app/twin";
import type { Layer } from "../layers/types";
import type { LayerId } from "../protocol/data";
import type { Detail } from "../protocol/live";
import { clear, h } from "../ui/dom";
import { t, type StringKey } from "../ui/i18n";
import { CONNECTOR_CSS, LOAD_STOPS, TEMP_STOPS, type ConnectorState } from "./layout";

/** The server sends at most this many racks per data centre (src/server/detail.ts MAX_RACKS). */
export const MAX_DETAIL_RACKS = 240;

export type ColorBy = "load" | "temp";

export interface OverlayTarget {
  layer: LayerId;
  index: number;
  objectId: string;
}

export interface OverlayDeps {
  data: TwinData;
  /** the twin's renderer of the target's layer (names and title), if shown */
  twinLayer: Layer | undefined;
  metric(layer: LayerId, name: string, index: number): number | undefined;
  close(): void;
  setColorBy(by: ColorBy): void;
}

type DetailBody = Detail["detail"] | undefined;

const fmt = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits);
const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "—" : `${Math.round(v * 100)}%`);

function kv(key: string, value: string, attr?: string): HTMLElement {
  return h(
    "div",
    { class: "kv" },
    h("span", { class: "k" }, key),
    h("span", { class: "v", ...(attr ? { "data-kpi": attr } : {}) }, value),
  );
}

function swatches(stops: ReadonlyArray<readonly [number, string]>, label: (v: number) => string): HTMLElement {
  return h(
    "div",
    { class: "inspect-legend" },
    ...stops.map(([v, c]) => h("span", { class: "inspect-swatch", style: `--c:${c}` }, label(v))),
  );
}

function row(dot: string, label: string, kpi: string, value: string, attrs: Record<string, string | number> = {}) {
  return h(
    "div",
    { class: "inspect-row", ...attrs },
    h("span", { class: "inspect-dot", style: `--c:${dot}` }),
    h("span", {}, label),
    h("span", { class: "v", "data-kpi": kpi }, value),
  );
}

export class InspectOverlay {
  readonly root: HTMLElement;
  readonly stage: HTMLElement;
  private readonly title = h("h2", { class: "inspect-title", "data-testid": "inspect-title" });
  private readonly sub = h("div", { class: "inspect-sub" });
  private readonly closeBtn: HTMLButtonElement;
  private readonly hint = h("div", { class: "inspect-hint" });
  // live values are redrawn on every refresh; controls persist
  private readonly values = h("div", { class: "inspect-values" });
  private readonly controls = h("div", { class: "inspect-controls" });
  private readonly togglesTitle = h("div", { class: "inspect-subtitle" });
  private readonly toggles = h("div", { class: "inspect-toggles" });
  private readonly legendBox = h("div", {});

  constructor(
    private readonly target: OverlayTarget,
    private readonly deps: OverlayDeps,
  ) {
    this.closeBtn = h("button", {
      type: "button",
      class: "inspect-close",
      "data-testid": "inspect-close",
      onclick: () => deps.close(),
    });
    this.stage = h(
      "div",
      { class: "inspect-stage", "data-testid": "inspect-stage" },
      h("div", { class: "inspect-loading" }),
    );
    const side = h("aside", { class: "inspect-side" }, this.values, this.controls);
    this.root = h(
      "section",
      {
        class: "inspect-overlay",
        "data-testid": "inspect",
        role: "dialog",
        "aria-modal": "true",
        "data-layer": target.layer,
        "data-object-id": target.objectId,
      },
      h(
        "header",
        { class: "inspect-head" },
        h("div", { class: "inspect-titles" }, this.title, this.sub),
        this.closeBtn,
      ),
      h("div", { class: "inspect-body" }, this.stage, side),
      this.hint,
    );
  }

  focusClose(): void {
    this.closeBtn.focus();
  }

  /** replaces the stage's loading note (e.g. with an error) */
  loadingText(text: string): void {
    (this.stage.querySelector(".inspect-loading") as HTMLElement | null)?.replaceChildren(text);
  }

  render(detail: Detail | null, colorBy: ColorBy): void {
    const { target, deps } = this;
    const l = deps.twinLayer;
    this.title.textContent = l ? l.nameOf(target.index) : target.objectId;
    this.sub.textContent = `${t("inspect.title")} · ${l ? t(l.titleKey) : target.layer} · ${target.objectId}`;
    this.closeBtn.textContent = `✕ ${t("close")}`;
    this.closeBtn.setAttribute("aria-label", t("close"));
    this.hint.textContent = t("inspect.orbitHint");
    this.loadingText(t("loading"));
    clear(this.values);
    const d = detail?.detail;
    if (target.layer === "datacentres") this.datacentre(d, colorBy);
    else if (target.layer === "sites") this.site(d);
    else this.charger(d);
    if (!detail)
      this.values.append(h("div", { class: "inspect-wait", "data-testid": "inspect-wait" }, t("inspect.waiting")));
  }

  destroy(): void {
    this.root.remove();
  }

  private metric(name: string): number | undefined {
    return this.deps.metric(this.target.layer, name, this.target.index);
  }

  private datacentre(d: DetailBody, colorBy: ColorBy): void {
    const dc = this.deps.data.datacentres[this.target.index];
    const shown = Math.min(dc.racks, MAX_DETAIL_RACKS).toLocaleString("en-US");
    this.values.append(
      kv(t("live.pue"), fmt(this.metric("pue"), 3), "pue"),
      kv(t("live.itMw"), fmt(this.metric("itMw"), 1), "itMw"),
      kv(t("live.facilityMw"), fmt(this.metric("facilityMw"), 1), "facilityMw"),
      kv(t("field.designPue"), dc.designPue.toFixed(2)),
      kv(t("inspect.racksShown"), `${shown} / ${dc.racks.toLocaleString("en-US")}`),
      kv(t("inspect.halls"), String(dc.halls)),
    );
    if (d?.kind === "racks" && d.rackUtil.length) {
      const mean = d.rackUtil.reduce((a, b) => a + b, 0) / d.rackUtil.length;
      this.values.append(
        kv(t("inspect.meanUtil"), pct(mean), "meanUtil"),
        kv(t("inspect.maxInlet"), fmt(Math.max(...d.inletC), 1), "maxInlet"),
      );
    }
    this.colorControls(colorBy);
  }

  private colorControls(colorBy: ColorBy): void {
    const { controls, toggles, togglesTitle, legendBox } = this;
    if (!controls.childElementCount) {
      for (const [by, key] of [
        ["load", "inspect.byLoad"],
        ["temp", "inspect.byTemp"],
      ] as const)
        toggles.append(
          h("button", {
            type: "button",
            class: "inspect-toggle",
            "data-color-by": by,
            "data-key": key,
            onclick: () => this.deps.setColorBy(by),
          }),
        );
      controls.append(togglesTitle, toggles, legendBox);
    }
    togglesTitle.textContent = t("inspect.colorBy");
    for (const b of Array.from(toggles.children) as HTMLElement[]) {
      b.setAttribute("aria-pressed", String(colorBy === b.dataset.colorBy));
      b.textContent = t(b.dataset.key as StringKey);
    }
    if (legendBox.dataset.by === colorBy) return;
    legendBox.dataset.by = colorBy;
    legendBox.replaceChildren(
      colorBy === "temp"
        ? swatches(TEMP_STOPS, (v) => `${v}°C`)
        : swatches(LOAD_STOPS, (v) => `${Math.round(v * 100)}%`),
    );
  }

  private site(d: DetailBody): void {
    const site = this.deps.data.sites[this.target.index];
    this.values.append(
      kv(t("live.load"), pct(this.metric("load")), "load"),
      kv(t("live.users"), fmt(this.metric("users"), 0), "users"),
      kv(t("field.heightM"), String(site.heightM)),
      kv(t("field.tiltDeg"), site.tiltDeg.toFixed(1)),
      kv(t("field.band"), site.band),
      h("div", { class: "inspect-subtitle" }, t("inspect.sectors")),
    );
    site.azimuths.forEach((az, k) => {
      const load = d?.kind === "sectors" ? d.load[k] : undefined;
      const users = d?.kind === "sectors" ? d.users[k] : undefined;
      const dot = load === undefined ? "#5b6577" : "var(--cyan)";
      const text = `${pct(load)} · ${users ?? "—"} ${t("inspect.users")}`;
      this.values.append(
        row(dot, `${t("inspect.sector")} ${k + 1} · ${az}°`, `sector${k}`, text, { "data-sector": k }),
      );
    });
    this.values.append(swatches(LOAD_STOPS, (v) => `${Math.round(v * 100)}%`));
  }

  private charger(d: DetailBody): void {
    const c = this.deps.data.chargers[this.target.index];
    this.values.append(
      kv(t("live.socPct"), fmt(this.metric("socPct"), 0), "soc"),
      kv(t("live.solarKw"), `${fmt(this.metric("solarKw"), 0)} / ${c.solarKwp}`, "solar"),
      kv(t("live.powerKw"), fmt(this.metric("powerKw"), 0), "power"),
      kv(t("field.storageKwh"), String(c.storageKwh)),
      kv(t("field.connectorKw"), String(c.connectorKw)),
      h("div", { class: "inspect-subtitle" }, `${t("field.connectors")} (${c.connectors})`),
    );
    const counts: Record<ConnectorState, number> = { charging: 0, idle: 0, fault: 0, offline: 0 };
    if (d?.kind === "connectors") for (const st of d.states) counts[st]++;
    for (const st of ["charging", "idle", "fault", "offline"] as const)
      this.values.append(row(CONNECTOR_CSS[st], t(`inspect.state.${st}`), `conn-${st}`, d ? String(counts[st]) : "—"));
  }
}
