// @vitest-environment happy-dom
/**
 * The inspector panel on a DOM (happy-dom): what a selection shows, that live ticks and a language change redraw
 * it, and that its remover takes the panel away and drops every subscription.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LayerId } from "../../protocol/data";
import type { LiveView } from "../../layers/types";
import { select, setOrigins } from "../../state/ui-store";
import { setLang } from "../i18n";
import { mountInspector, type InspectorLayer } from "./inspector";

const sites: InspectorLayer = {
  id: "sites",
  titleKey: "layer.sites",
  idOf: (i) => `5G-${String(i).padStart(5, "0")}`,
  fields: (i) => [
    ["field.id", `5G-${String(i).padStart(5, "0")}`],
    ["field.heightM", 30 + i],
  ],
};

/** a live state of one metric, `load`, whose value the test sets */
class OneMetricLive implements LiveView {
  load = 0.42;
  status(): number {
    return 0;
  }
  lastSeen(): number {
    return new Date(2026, 0, 1, 8, 30, 5).getTime(); // local time, as the panel shows it
  }
  metric(_layer: LayerId, name: string): number | undefined {
    return name === "load" ? this.load : undefined;
  }
  metricNames(): readonly string[] {
    return ["load", "users"];
  }
}

/** live ticks as the app delivers them: a set of listeners, each with its remover */
class Ticks {
  readonly listeners = new Set<() => void>();
  readonly on = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };
  fire(): void {
    for (const cb of this.listeners) cb();
  }
}

describe("inspector panel", () => {
  let host: HTMLElement;
  let live: OneMetricLive;
  let ticks: Ticks;
  let unmount: () => void;
  const panel = () => host.querySelector<HTMLElement>('[data-testid="inspector"]');
  const text = (sel: string) => host.querySelector(sel)?.textContent;

  beforeEach(() => {
    setLang("en");
    select(null);
    setOrigins({ sites: { sample: false, source: "sites.geojson" } });
    host = document.createElement("div");
    document.body.append(host);
    live = new OneMetricLive();
    ticks = new Ticks();
    unmount = mountInspector(host, { layers: () => [sites], live, onLiveTick: ticks.on });
  });

  afterEach(() => {
    unmount();
    host.remove();
    select(null);
    setLang("zh");
  });

  it("is hidden until something is selected, then shows the object's fields, source and live values", () => {
    expect(panel()!.hidden).toBe(true);
    select({ kind: "object", layer: "sites", index: 7 });
    expect(panel()!.hidden).toBe(false);
    expect(panel()!.dataset.objectId).toBe("5G-00007");
    expect(text(".panel-title")).toBe("5G base stations");
    expect(text('[data-field="id"]')).toBe("5G-00007");
    expect(text('[data-field="heightM"]')).toBe("37");
    expect(text('[data-field="source"]')).toBe("sites.geojson");
    expect(text(".status-pill")).toBe("Normal");
    expect(text('[data-testid="last-seen"]')).toBe("08:30:05");
    expect(text('[data-metric="load"]')).toBe("42%");
    // a metric without a value is left out
    expect(host.querySelector('[data-metric="users"]')).toBeNull();
  });

  it("redraws the live values on a live tick and everything on a language change", () => {
    select({ kind: "object", layer: "sites", index: 3 });
    live.load = 0.9;
    expect(text('[data-metric="load"]')).toBe("42%");
    ticks.fire();
    expect(text('[data-metric="load"]')).toBe("90%");
    setLang("zh");
    expect(text(".panel-title")).toBe("5G基站");
    expect(text(".status-pill")).toBe("正常");
  });

  it("shows a building's properties without live values", () => {
    select({
      kind: "building",
      props: { id: "B-12", usage: "office", floors: 21, heightM: 80.5, district: "鼓楼区" },
    });
    expect(panel()!.dataset.objectId).toBe("B-12");
    expect(text('[data-field="floors"]')).toBe("21");
    expect(text('[data-field="buildingHeight"]')).toBe("80.50");
    expect(host.querySelector(".status-pill")).toBeNull();
  });

  it("its remover takes the panel away and drops the selection, language and live-tick subscriptions", () => {
    select({ kind: "object", layer: "sites", index: 2 });
    const el = panel()!;
    expect(ticks.listeners.size).toBe(1);
    unmount();
    unmount = () => {};
    expect(panel()).toBeNull();
    expect(ticks.listeners.size).toBe(0);
    // later changes no longer redraw the detached panel
    setLang("zh");
    expect(el.querySelector(".panel-title")!.textContent).toBe("5G base stations");
    select(null);
    expect(el.hidden).toBe(false);
    select({ kind: "object", layer: "sites", index: 5 });
    expect(el.dataset.objectId).toBe("5G-00002");
  });
});
