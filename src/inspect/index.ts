/**
 * Facility drill-down ("look inside", every mode): an overlay with a three.js view of a data centre, a 5G site or a
 * super-charging station, fed by the gateway's per-object detail stream while it is open.
 *
 *   const inspect = installInspect(app);          // once, after the live binding exists
 *   mountInspector(host, { ..., actions: inspect.actions });   // adds the "Look inside" button
 *   await inspect.open("datacentres", 10);        // or window.__rt.inspect.open("datacentres", "DC-11")
 *   inspect.close();
 *
 * three.js is loaded on first open (dynamic import of ./view), so the first screen never waits for it.
 * Open: conn.detail(layer, id) + subscriptions; close: conn.detail(null), every subscription and listener removed,
 * the view disposed (geometries, materials, textures, renderer, WebGL context), the overlay removed.
 */
import type { App } from "../app/types";
import type { LayerId } from "../protocol/data";
import type { Detail } from "../protocol/live";
import { subscribeSlice, type Selection } from "../state/ui-store";
import { clear, h } from "../ui/dom";
import { t, uiLang, type StringKey } from "../ui/i18n";
import { CONNECTOR_CSS, LOAD_STOPS, TEMP_STOPS, type ConnectorState } from "./layout";
import type { FacilitySpec, FacilityView, ViewInfo } from "./view";
import type * as ViewModule from "./view";
import "./inspect.css";

/** The server sends at most this many racks per data centre (src/server/detail.ts MAX_RACKS). */
export const MAX_DETAIL_RACKS = 240;

export interface InspectInfo extends ViewInfo {
  layer: LayerId;
  objectId: string;
  /** frames rendered by this view */
  frames: number;
  /** detail messages applied since open */
  details: number;
}

export interface InspectController {
  /** open the drill-down of an object (index or id); resolves true once the first frame is drawn */
  open(layer: LayerId, which: number | string): Promise<boolean>;
  close(): void;
  isOpen(): boolean;
  /** whether "look inside" exists for this object */
  canInspect(layer: LayerId, index: number): boolean;
  /** inspector actions: a "Look inside" button for inspectable objects */
  actions(sel: Exclude<Selection, null>): HTMLElement[];
  info(): InspectInfo | null;
  colors(limit?: number): string[] | null;
  /** renderer.info.memory measured after the last close disposed the scene (before the renderer itself) */
  lastClose(): { geometries: number; textures: number } | null;
  stats(): { opens: number; closes: number };
}

let current: InspectController | null = null;
/** The installed controller (kiosk mode closes it on reset). */
export function inspectController(): InspectController | null {
  return current;
}

interface Session {
  gen: number;
  layer: LayerId;
  index: number;
  objectId: string;
  root: HTMLElement;
  view: FacilityView | null;
  detail: Detail | null;
  details: number;
  colorBy: "load" | "temp";
  cleanups: Array<() => void>;
  renderSide(): void;
}

const fmt = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits);
const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "—" : `${Math.round(v * 100)}%`);

export function installInspect(app: App): InspectController {
  const { twin } = app;
  const data = twin.data;
  let session: Session | null = null;
  let gen = 0;
  let opens = 0;
  let closes = 0;
  let lastClose: { geometries: number; textures: number } | null = null;

  const canInspect = (layer: LayerId, index: number): boolean => {
    if (layer === "datacentres") return !!data.datacentres[index];
    if (layer === "sites") return !!data.sites[index];
    if (layer === "chargers") return data.chargers[index]?.kind === "super";
    return false;
  };

  const specOf = (layer: LayerId, index: number): FacilitySpec | null => {
    if (layer === "datacentres") {
      const d = data.datacentres[index];
      return { kind: "datacentre", halls: d.halls, racks: Math.min(d.racks, MAX_DETAIL_RACKS) };
    }
    if (layer === "sites") {
      const s = data.sites[index];
      return { kind: "site", heightM: s.heightM, azimuths: s.azimuths, tiltDeg: s.tiltDeg };
    }
    if (layer === "chargers") {
      const c = data.chargers[index];
      return { kind: "charger", connectors: c.connectors, solarKwp: c.solarKwp, storageKwh: c.storageKwh };
    }
    return null;
  };

  const metric = (layer: LayerId, name: string, index: number) => app.live?.view.metric(layer, name, index);

  function applyDetail(s: Session): void {
    const v = s.view;
    const d = s.detail?.detail;
    if (!v) return;
    if (v.kind === "datacentre")
      v.setRacks(d?.kind === "racks" ? (s.colorBy === "temp" ? d.inletC : d.rackUtil) : null, s.colorBy);
    else if (v.kind === "site") v.setSectors(d?.kind === "sectors" ? d.load : null);
    else {
      v.setConnectors(d?.kind === "connectors" ? d.states : null);
      const c = data.chargers[s.index];
      const solar = metric("chargers", "solarKw", s.index);
      v.setStation(
        metric("chargers", "socPct", s.index),
        solar !== undefined && c.solarKwp > 0 ? solar / c.solarKwp : undefined,
      );
    }
  }

  function buildOverlay(s: Session): void {
    const l = twin.layer(s.layer);
    const title = h("h2", { class: "inspect-title", "data-testid": "inspect-title" });
    const sub = h("div", { class: "inspect-sub" });
    const closeBtn = h("button", {
      type: "button",
      class: "inspect-close",
      "data-testid": "inspect-close",
      onclick: () => ctl.close(),
    });
    const stage = h(
      "div",
      { class: "inspect-stage", "data-testid": "inspect-stage" },
      h("div", { class: "inspect-loading" }),
    );
    // live values are redrawn on every refresh; controls persist
    const values = h("div", { class: "inspect-values" });
    const controls = h("div", { class: "inspect-controls" });
    const togglesTitle = h("div", { class: "inspect-subtitle" });
    const toggles = h("div", { class: "inspect-toggles" });
    const legendBox = h("div", {});
    const side = h("aside", { class: "inspect-side" }, values, controls);
    const hint = h("div", { class: "inspect-hint" });
    s.root = h(
      "section",
      {
        class: "inspect-overlay",
        "data-testid": "inspect",
        role: "dialog",
        "aria-modal": "true",
        "data-layer": s.layer,
        "data-object-id": s.objectId,
      },
      h("header", { class: "inspect-head" }, h("div", { class: "inspect-titles" }, title, sub), closeBtn),
      h("div", { class: "inspect-body" }, stage, side),
      hint,
    );

    const kv = (key: string, value: string, attr?: string) =>
      h(
        "div",
        { class: "kv" },
        h("span", { class: "k" }, key),
        h("span", { class: "v", ...(attr ? { "data-kpi": attr } : {}) }, value),
      );
    const swatches = (stops: ReadonlyArray<readonly [number, string]>, label: (v: number) => string) =>
      h(
        "div",
        { class: "inspect-legend" },
        ...stops.map(([v, c]) => h("span", { class: "inspect-swatch", style: `--c:${c}` }, label(v))),
      );

    s.renderSide = () => {
      title.textContent = l ? l.nameOf(s.index) : s.objectId;
      sub.textContent = `${t("inspect.title")} · ${l ? t(l.titleKey) : s.layer} · ${s.objectId}`;
      closeBtn.textContent = `✕ ${t("close")}`;
      closeBtn.setAttribute("aria-label", t("close"));
      hint.textContent = t("inspect.orbitHint");
      (stage.querySelector(".inspect-loading") as HTMLElement | null)?.replaceChildren(t("loading"));
      clear(values);
      const d = s.detail?.detail;
      if (s.layer === "datacentres") {
        const dc = data.datacentres[s.index];
        values.append(
          kv(t("live.pue"), fmt(metric("datacentres", "pue", s.index), 3), "pue"),
          kv(t("live.itMw"), fmt(metric("datacentres", "itMw", s.index), 1), "itMw"),
          kv(t("live.facilityMw"), fmt(metric("datacentres", "facilityMw", s.index), 1), "facilityMw"),
          kv(t("field.designPue"), dc.designPue.toFixed(2)),
          kv(
            t("inspect.racksShown"),
            `${Math.min(dc.racks, MAX_DETAIL_RACKS).toLocaleString("en-US")} / ${dc.racks.toLocaleString("en-US")}`,
          ),
          kv(t("inspect.halls"), String(dc.halls)),
        );
        if (d?.kind === "racks" && d.rackUtil.length) {
          const mean = d.rackUtil.reduce((a, b) => a + b, 0) / d.rackUtil.length;
          values.append(
            kv(t("inspect.meanUtil"), pct(mean), "meanUtil"),
            kv(t("inspect.maxInlet"), fmt(Math.max(...d.inletC), 1), "maxInlet"),
          );
        }
        // the toggle buttons are built once and only restyled, so a click is never lost to a live refresh
        if (!controls.childElementCount) {
          for (const [by, key] of [
            ["load", "inspect.byLoad"],
            ["temp", "inspect.byTemp"],
          ] as const) {
            toggles.append(
              h("button", {
                type: "button",
                class: "inspect-toggle",
                "data-color-by": by,
                "data-key": key,
                onclick: () => {
                  s.colorBy = by;
                  applyDetail(s);
                  s.renderSide();
                },
              }),
            );
          }
          controls.append(togglesTitle, toggles, legendBox);
        }
        togglesTitle.textContent = t("inspect.colorBy");
        for (const b of Array.from(toggles.children) as HTMLElement[]) {
          b.setAttribute("aria-pressed", String(s.colorBy === b.dataset.colorBy));
          b.textContent = t(b.dataset.key as StringKey);
        }
        if (legendBox.dataset.by !== s.colorBy) {
          legendBox.dataset.by = s.colorBy;
          legendBox.replaceChildren(
            s.colorBy === "temp"
              ? swatches(TEMP_STOPS, (v) => `${v}°C`)
              : swatches(LOAD_STOPS, (v) => `${Math.round(v * 100)}%`),
          );
        }
      } else if (s.layer === "sites") {
        const site = data.sites[s.index];
        values.append(
          kv(t("live.load"), pct(metric("sites", "load", s.index)), "load"),
          kv(t("live.users"), fmt(metric("sites", "users", s.index), 0), "users"),
          kv(t("field.heightM"), String(site.heightM)),
          kv(t("field.tiltDeg"), site.tiltDeg.toFixed(1)),
          kv(t("field.band"), site.band),
        );
        values.append(h("div", { class: "inspect-subtitle" }, t("inspect.sectors")));
        site.azimuths.forEach((az, k) => {
          const load = d?.kind === "sectors" ? d.load[k] : undefined;
          const users = d?.kind === "sectors" ? d.users[k] : undefined;
          values.append(
            h(
              "div",
              { class: "inspect-row", "data-sector": k },
              h("span", { class: "inspect-dot", style: `--c:${load === undefined ? "#5b6577" : "var(--cyan)"}` }),
              h("span", {}, `${t("inspect.sector")} ${k + 1} · ${az}°`),
              h(
                "span",
                { class: "v", "data-kpi": `sector${k}` },
                `${pct(load)} · ${users ?? "—"} ${t("inspect.users")}`,
              ),
            ),
          );
        });
        values.append(swatches(LOAD_STOPS, (v) => `${Math.round(v * 100)}%`));
      } else {
        const c = data.chargers[s.index];
        values.append(
          kv(t("live.socPct"), fmt(metric("chargers", "socPct", s.index), 0), "soc"),
          kv(t("live.solarKw"), `${fmt(metric("chargers", "solarKw", s.index), 0)} / ${c.solarKwp}`, "solar"),
          kv(t("live.powerKw"), fmt(metric("chargers", "powerKw", s.index), 0), "power"),
          kv(t("field.storageKwh"), String(c.storageKwh)),
          kv(t("field.connectorKw"), String(c.connectorKw)),
        );
        values.append(h("div", { class: "inspect-subtitle" }, `${t("field.connectors")} (${c.connectors})`));
        const counts: Record<ConnectorState, number> = { charging: 0, idle: 0, fault: 0, offline: 0 };
        if (d?.kind === "connectors") for (const st of d.states) counts[st]++;
        for (const st of ["charging", "idle", "fault", "offline"] as const) {
          values.append(
            h(
              "div",
              { class: "inspect-row" },
              h("span", { class: "inspect-dot", style: `--c:${CONNECTOR_CSS[st]}` }),
              h("span", {}, t(`inspect.state.${st}`)),
              h("span", { class: "v", "data-kpi": `conn-${st}` }, d ? String(counts[st]) : "—"),
            ),
          );
        }
      }
      if (!s.detail)
        values.append(h("div", { class: "inspect-wait", "data-testid": "inspect-wait" }, t("inspect.waiting")));
    };
  }

  function closeSession(s: Session): void {
    for (const f of s.cleanups.splice(0)) {
      try {
        f();
      } catch (e) {
        console.error("inspect cleanup", e);
      }
    }
    if (s.view) lastClose = s.view.dispose();
    s.view = null;
    s.root.remove();
    closes++;
  }

  const ctl: InspectController = {
    async open(layer, which) {
      const l = twin.layer(layer);
      if (!l) return false;
      let index = typeof which === "number" ? which : -1;
      if (typeof which === "string")
        for (let i = 0; i < l.count; i++)
          if (l.idOf(i) === which) {
            index = i;
            break;
          }
      if (index < 0 || index >= l.count || !canInspect(layer, index)) return false;
      ctl.close();
      const myGen = ++gen;
      const s: Session = {
        gen: myGen,
        layer,
        index,
        objectId: l.idOf(index),
        root: document.createElement("section"),
        view: null,
        detail: null,
        details: 0,
        colorBy: "load",
        cleanups: [],
        renderSide: () => {},
      };
      session = s;
      opens++;
      buildOverlay(s);
      app.shell.root.append(s.root);
      s.renderSide();
      (s.root.querySelector(".inspect-close") as HTMLElement | null)?.focus();

      const live = app.live;
      if (live) {
        const store = live.conn.store;
        live.conn.detail(layer, s.objectId);
        s.cleanups.push(() => live.conn.detail(null));
        s.cleanups.push(
          subscribeSlice(
            store,
            (st) => st.detail,
            (d) => {
              if (!d || d.layer !== layer || d.objectId !== s.objectId) return;
              s.detail = d;
              s.details++;
              applyDetail(s);
              s.renderSide();
            },
          ),
        );
        // station SoC / solar and the KPI values come from the layer's live metrics
        let last = 0;
        s.cleanups.push(
          live.onTick(() => {
            const now = performance.now();
            if (now - last < 1000) return;
            last = now;
            if (s.layer === "chargers") applyDetail(s);
            s.renderSide();
          }),
        );
      }
      const onKey = (e: KeyboardEvent) => {
        if (e.key === "Escape") ctl.close();
      };
      window.addEventListener("keydown", onKey);
      s.cleanups.push(() => window.removeEventListener("keydown", onKey));
      s.cleanups.push(uiLang.subscribe(() => s.renderSide()));

      let mod: typeof ViewModule;
      try {
        mod = await import("./view");
      } catch (e) {
        if (session === s)
          (s.root.querySelector(".inspect-loading") as HTMLElement | null)?.replaceChildren(
            `three.js: ${(e as Error).message}`,
          );
        return false;
      }
      if (session !== s || s.gen !== gen) return false; // closed (or replaced) while three.js was loading
      const stage = s.root.querySelector(".inspect-stage") as HTMLElement;
      stage.querySelector(".inspect-loading")?.remove();
      const spec = specOf(layer, index)!;
      try {
        s.view = mod.createFacilityView(stage, spec);
      } catch (e) {
        stage.append(h("div", { class: "inspect-loading" }, `WebGL: ${(e as Error).message}`));
        return false;
      }
      applyDetail(s);
      // resolve once the first frame is on screen
      const t0 = performance.now();
      while (session === s && s.view && s.view.frames() === 0 && performance.now() - t0 < 20_000) {
        await new Promise((r) => requestAnimationFrame(() => r(null)));
      }
      return session === s && !!s.view && s.view.frames() > 0;
    },
    close() {
      const s = session;
      if (!s) return;
      session = null;
      closeSession(s);
    },
    isOpen: () => session !== null,
    canInspect,
    actions(sel) {
      if (sel.kind !== "object" || !canInspect(sel.layer, sel.index)) return [];
      return [
        h(
          "button",
          {
            type: "button",
            class: "look-inside",
            "data-testid": "look-inside",
            onclick: () => void ctl.open(sel.layer, sel.index),
          },
          `⬚ ${t("lookInside")}`,
        ),
      ];
    },
    info() {
      const s = session;
      if (!s || !s.view) return null;
      return { ...s.view.info(), layer: s.layer, objectId: s.objectId, frames: s.view.frames(), details: s.details };
    },
    colors: (limit) => session?.view?.colors(limit) ?? null,
    lastClose: () => lastClose,
    stats: () => ({ opens, closes }),
  };
  current = ctl;
  if (window.__rt) window.__rt.inspect = ctl;
  return ctl;
}
