/**
 * The planner's desk panel (right column): area, thresholds / indoor loss, KPIs with deltas and a per-district
 * table, the heat-map legend, candidates with editable radio settings, automatic siting, scenarios (save, load,
 * delete, compare A/B, export, import with a line-level report). Sections re-render from the controller's store
 * only when their slice changes; candidate rows are keyed so a focused input is never replaced while typing.
 */
import { DISTRICTS, type DistrictName } from "../../protocol/data";
import type { Candidate } from "../../protocol/scenario";
import { addBanner } from "../../state/ui-store";
import { h, clear } from "../../ui/dom";
import { t, uiLang, type StringKey } from "../../ui/i18n";
import type { CoverageKpis } from "../../planner/demand";
import type { PlannerController, PlannerState } from "./controller";
import {
  type CandidateField,
  applyCandidateEdit,
  fileNameFor,
  fmtDistance,
  fmtInt,
  fmtPct,
  fmtSigned,
  parseAnalysisForm,
  parseNumber,
  pickProposals,
} from "./forms";

export interface PanelHooks {
  flyToCandidate(c: Candidate): void;
  setHeatVisible(v: boolean): void;
  finishDrawing(): void;
  canWrite: boolean;
}

type Section = { el: HTMLElement; render(s: PlannerState, prev: PlannerState | null): void };

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function mountPlannerPanel(host: HTMLElement, ctl: PlannerController, hooks: PanelHooks): { destroy(): void } {
  const root = h("div", { class: "panel planner-panel", "data-testid": "planner-panel" });
  host.append(root);
  let sections: Section[] = [];
  let prev: PlannerState | null = null;

  const fail = (e: unknown) => addBanner({ id: "planner-action", level: "error", text: errText(e) });
  const act = (p: Promise<unknown>) => void p.catch(fail);

  const build = () => {
    clear(root);
    sections = [
      headerSection(),
      areaSection(),
      paramsSection(),
      kpiSection(),
      legendSection(),
      candidatesSection(),
      sitingSection(),
      scenarioSection(),
    ];
    for (const s of sections) root.append(s.el);
    prev = null;
    renderAll();
  };
  const renderAll = () => {
    const s = ctl.store.getState();
    for (const sec of sections) sec.render(s, prev);
    prev = s;
  };

  // ---------------------------------------------------------- header
  function headerSection(): Section {
    const status = h("span", { class: "pl-status", "data-testid": "planner-status" });
    const el = h("div", { class: "pl-head" }, h("h2", { class: "panel-title" }, t("pl.title")), status);
    return {
      el,
      render(s) {
        const busy = !s.ready || s.busy > 0;
        status.dataset.busy = String(busy);
        status.textContent = !s.ready
          ? t("pl.loading")
          : s.busy > 0
            ? t("pl.computing")
            : s.snap
              ? `${s.snap.grid.nx}×${s.snap.grid.ny} · ${s.snap.grid.cellSizeM} m · ${Math.round(s.workerMs)} ms`
              : "";
      },
    };
  }

  // ---------------------------------------------------------- area
  function areaSection(): Section {
    const sel = h("select", {
      class: "pl-input",
      "data-testid": "planner-district",
      "aria-label": t("pl.area"),
    }) as HTMLSelectElement;
    sel.append(h("option", { value: "" }, t("pl.chooseDistrict")));
    for (const d of DISTRICTS) sel.append(h("option", { value: d }, d));
    sel.append(h("option", { value: "__polygon", disabled: true }, t("pl.polygon")));
    sel.addEventListener("change", () => {
      if (!sel.value || sel.value === "__polygon") return;
      act(ctl.setArea({ kind: "district", name: sel.value as DistrictName }));
    });
    const drawBtn = h(
      "button",
      { class: "pl-btn", "data-testid": "planner-draw", onclick: () => ctl.startDrawing() },
      t("pl.draw"),
    );
    const finishBtn = h(
      "button",
      { class: "pl-btn primary", "data-testid": "planner-draw-finish", onclick: () => hooks.finishDrawing() },
      t("pl.finish"),
    );
    const cancelBtn = h("button", { class: "pl-btn", onclick: () => ctl.cancelDrawing() }, t("pl.cancel"));
    const hint = h("div", { class: "pl-note" }, t("pl.drawHint"));
    const drawRow = h("div", { class: "pl-row" }, finishBtn, cancelBtn);
    const el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.area")),
      h("div", { class: "pl-row" }, sel, drawBtn),
      drawRow,
      hint,
    );
    return {
      el,
      render(s) {
        const drawing = s.drawing !== null;
        drawRow.hidden = !drawing;
        hint.hidden = !drawing;
        drawBtn.disabled = drawing || !s.ready;
        sel.disabled = !s.ready;
        finishBtn.textContent = `${t("pl.finish")} (${s.drawing?.length ?? 0})`;
        const v = s.area?.kind === "district" ? s.area.name : s.area ? "__polygon" : "";
        if (sel.value !== v) sel.value = v;
      },
    };
  }

  // ---------------------------------------------------------- thresholds
  function paramsSection(): Section {
    const mk = (id: string, label: StringKey) => {
      const input = h("input", {
        class: "pl-input num",
        type: "number",
        step: "1",
        "data-testid": `planner-${id}`,
      }) as HTMLInputElement;
      return { input, row: h("label", { class: "pl-field" }, h("span", {}, t(label)), input) };
    };
    const good = mk("good", "pl.good"),
      weak = mk("weak", "pl.weak"),
      pen = mk("penetration", "pl.penetration");
    const err = h("div", { class: "pl-error", "data-testid": "planner-params-error" });
    const apply = h(
      "button",
      {
        class: "pl-btn primary",
        "data-testid": "planner-apply",
        onclick: () => {
          const r = parseAnalysisForm({
            goodDbm: good.input.value,
            weakDbm: weak.input.value,
            penetrationDb: pen.input.value,
          });
          err.textContent = r.errors.map((e) => `${e.field}: ${e.reason}`).join("; ");
          if (r.value) act(ctl.setAnalysis(r.value));
        },
      },
      t("pl.apply"),
    );
    const el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.params")),
      h("div", { class: "pl-grid3" }, good.row, weak.row, pen.row),
      h("div", { class: "pl-row" }, apply, err),
      h("div", { class: "pl-note" }, t("pl.indoorNote")),
    );
    return {
      el,
      render(s, p) {
        if (p && p.analysis === s.analysis) return;
        good.input.value = String(s.analysis.goodDbm);
        weak.input.value = String(s.analysis.weakDbm);
        pen.input.value = String(s.analysis.penetrationDb);
      },
    };
  }

  // ---------------------------------------------------------- KPIs
  function kpiSection(): Section {
    const body = h("div", { class: "pl-kpis", "data-testid": "planner-kpis" });
    const table = h("div", { class: "pl-table-wrap" });
    const el = h("section", { class: "pl-sec" }, h("h3", { class: "panel-subtitle" }, t("pl.kpis")), body, table);
    const tile = (label: string, value: string, unit: string, delta: string | null, testid: string, cls = "") =>
      h(
        "div",
        { class: `pl-kpi ${cls}`, "data-testid": testid },
        h("div", { class: "pl-kpi-label" }, label),
        h("div", { class: "pl-kpi-value" }, value, h("small", {}, unit)),
        delta ? h("div", { class: "pl-kpi-delta" }, delta) : null,
      );
    return {
      el,
      render(s, p) {
        if (p && p.snap === s.snap && p.before === s.before) return;
        clear(body);
        clear(table);
        if (!s.snap) {
          body.append(h("div", { class: "pl-note" }, t("pl.noArea")));
          return;
        }
        const k = s.snap.kpis.area,
          b = s.before;
        const d = (f: (x: CoverageKpis) => number, digits = 0, unit = "") =>
          b ? `Δ ${fmtSigned(f(k) - f(b), digits)}${unit}` : null;
        body.append(
          tile(
            t("pl.covered"),
            k.coveredPct.toFixed(2),
            "%",
            b ? `${d((x) => x.coveredPct, 2, " pp")} · ${fmtSigned(k.coveredPeople - b.coveredPeople)}` : null,
            "kpi-covered",
          ),
          tile(
            t("pl.weakPeople"),
            fmtInt(k.weakPeople),
            "",
            d((x) => x.weakPeople),
            "kpi-weak",
            k.weakPeople > 0 ? "warn" : "",
          ),
          tile(
            t("pl.density"),
            k.sitesPer10k.toFixed(2),
            ` / 35`,
            k.sitesShort > 0 ? `${t("pl.short")} ${fmtInt(k.sitesShort)}` : "✓",
            "kpi-density",
            k.sitesPer10k < k.targetPer10k ? "warn" : "ok",
          ),
          tile(t("pl.people"), fmtInt(k.people), "", `${t("pl.sites")} ${fmtInt(k.sites)}`, "kpi-people"),
        );
        const rows = Object.entries(s.snap.kpis.districts) as [DistrictName, CoverageKpis][];
        if (!rows.length) return;
        const tbl = h(
          "table",
          { class: "pl-table", "data-testid": "planner-district-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, t("pl.district")),
              h("th", {}, t("pl.covered")),
              h("th", {}, t("pl.weakPeople")),
              h("th", {}, t("pl.density")),
            ),
          ),
          h(
            "tbody",
            {},
            ...rows.map(([name, x]) =>
              h(
                "tr",
                {},
                h("td", {}, name),
                h("td", {}, fmtPct(x.coveredPct)),
                h("td", {}, fmtInt(x.weakPeople)),
                h(
                  "td",
                  { class: x.sitesPer10k < x.targetPer10k ? "warn" : "ok" },
                  `${x.sitesPer10k.toFixed(1)} / ${x.targetPer10k}`,
                ),
              ),
            ),
          ),
        );
        table.append(tbl);
      },
    };
  }

  // ---------------------------------------------------------- legend
  function legendSection(): Section {
    const list = h("div", { class: "pl-legend", "data-testid": "planner-legend" });
    const heat = h("input", {
      type: "checkbox",
      checked: true,
      onchange: (e: Event) => hooks.setHeatVisible((e.target as HTMLInputElement).checked),
    });
    const el = h(
      "section",
      { class: "pl-sec" },
      h(
        "div",
        { class: "panel-head" },
        h("h3", { class: "panel-subtitle" }, t("pl.legend")),
        h("label", { class: "pl-check" }, heat, t("pl.heat")),
      ),
      list,
    );
    return {
      el,
      render(s, p) {
        if (p && p.snap?.legend === s.snap?.legend) return;
        clear(list);
        for (const st of s.snap?.legend ?? [])
          list.append(
            h(
              "div",
              { class: "pl-legend-row" },
              h("span", { class: "pl-swatch", style: `background:${st.color};opacity:${(st.alpha / 255).toFixed(2)}` }),
              st.label,
            ),
          );
      },
    };
  }

  // ---------------------------------------------------------- candidates
  function candidatesSection(): Section {
    const place = h("input", {
      type: "checkbox",
      "data-testid": "planner-place",
      onchange: (e: Event) => ctl.setPlaceOnClick((e.target as HTMLInputElement).checked),
    }) as HTMLInputElement;
    const list = h("div", { class: "pl-cands", "data-testid": "planner-candidates" });
    const delta = h("div", { class: "pl-delta", "data-testid": "planner-delta" });
    const clearBtn = h(
      "button",
      { class: "pl-btn", "data-testid": "planner-clear", onclick: () => act(ctl.replaceCandidates([])) },
      t("pl.clearAll"),
    );
    const rows = new Map<
      string,
      { el: HTMLElement; inputs: Map<CandidateField, HTMLInputElement | HTMLSelectElement>; err: HTMLElement }
    >();
    const el = h(
      "section",
      { class: "pl-sec" },
      h("div", { class: "panel-head" }, h("h3", { class: "panel-subtitle" }, t("pl.candidates")), clearBtn),
      h("label", { class: "pl-check" }, place, t("pl.placeOnClick")),
      delta,
      list,
    );

    const field = (c: Candidate, f: CandidateField): string => {
      switch (f) {
        case "name":
          return c.name ?? "";
        case "az0":
          return String(c.azimuths[0]);
        case "az1":
          return String(c.azimuths[1]);
        case "az2":
          return String(c.azimuths[2]);
        default:
          return String(c[f]);
      }
    };
    const makeRow = (c: Candidate) => {
      const inputs = new Map<CandidateField, HTMLInputElement | HTMLSelectElement>();
      const err = h("div", { class: "pl-error" });
      const onEdit = (f: CandidateField) => (e: Event) => {
        const cur = ctl.candidates().find((x) => x.id === c.id);
        if (!cur) return;
        const r = applyCandidateEdit(cur, f, (e.target as HTMLInputElement).value);
        if (!r.ok) {
          err.textContent = `${r.field}: ${r.reason}`;
          return;
        }
        err.textContent = "";
        act(ctl.upsert(r.value));
      };
      const num = (f: CandidateField, step: string, title: string) => {
        const i = h("input", {
          class: "pl-input num",
          type: "number",
          step,
          title,
          "data-field": f,
          onchange: onEdit(f),
        }) as HTMLInputElement;
        inputs.set(f, i);
        return i;
      };
      const name = h("input", {
        class: "pl-input name",
        type: "text",
        "data-field": "name",
        onchange: onEdit("name"),
      }) as HTMLInputElement;
      inputs.set("name", name);
      const band = h(
        "select",
        { class: "pl-input", "data-field": "band", "aria-label": t("pl.band"), onchange: onEdit("band") },
        ...["n78", "n41", "n79", "n28"].map((b) => h("option", { value: b }, b)),
      ) as HTMLSelectElement;
      inputs.set("band", band);
      const row = h(
        "div",
        { class: "pl-cand", "data-id": c.id, "data-testid": "planner-candidate" },
        h(
          "div",
          { class: "pl-row" },
          h("button", {
            class: "pl-dot",
            title: c.id,
            onclick: () => {
              ctl.select(c.id);
              const cur = ctl.candidates().find((x) => x.id === c.id);
              if (cur) hooks.flyToCandidate(cur);
            },
          }),
          name,
          h("span", { class: "pl-muted pl-id" }, c.id),
          h(
            "button",
            { class: "pl-btn small danger", "data-testid": "planner-remove", onclick: () => act(ctl.remove(c.id)) },
            t("pl.remove"),
          ),
        ),
        h(
          "div",
          { class: "pl-cand-grid" },
          h("label", {}, h("span", {}, t("pl.height")), num("heightM", "1", "heightM")),
          h(
            "label",
            { class: "az" },
            h("span", {}, t("pl.azimuths")),
            h(
              "div",
              { class: "pl-az" },
              num("az0", "5", "azimuth 1"),
              num("az1", "5", "azimuth 2"),
              num("az2", "5", "azimuth 3"),
            ),
          ),
          h("label", {}, h("span", {}, t("pl.tilt")), num("tiltDeg", "1", "tiltDeg")),
          h("label", {}, h("span", {}, t("pl.power")), num("txPowerDbm", "1", "txPowerDbm")),
          h("label", {}, h("span", {}, t("pl.band")), band),
        ),
        err,
      );
      return { el: row, inputs, err };
    };
    return {
      el,
      render(s, p) {
        place.checked = s.placeOnClick;
        if (!p || p.lastDelta !== s.lastDelta || p.snap !== s.snap) {
          clear(delta);
          const d = s.lastDelta;
          if (d) {
            const c = s.snap?.candidates.find((x) => x.id === d.candidateId);
            delta.append(
              h("div", { class: "pl-delta-title" }, `${t("pl.delta")}: ${c?.name ?? d.candidateId}`),
              h(
                "div",
                { class: "pl-delta-grid" },
                h("span", {}, t("pl.newlyCovered")),
                h("b", { "data-testid": "delta-newly" }, fmtInt(d.peopleNewlyCovered)),
                h("span", {}, t("pl.coveredChange")),
                h(
                  "b",
                  { "data-testid": "delta-change" },
                  fmtSigned(
                    s.before && s.snap
                      ? s.snap.kpis.area.coveredPeople - s.before.coveredPeople
                      : d.coveredPeopleChange,
                  ),
                ),
                h("span", {}, t("pl.overlap")),
                h("b", {}, `${d.overlapPct.toFixed(0)}% (${fmtInt(d.overlapCells)} ±${d.overlapDb} dB)`),
                h("span", {}, t("pl.nearest")),
                h("b", {}, `${fmtDistance(d.nearestSiteM)}${d.nearestSiteId ? ` · ${d.nearestSiteId}` : ""}`),
              ),
            );
          }
        }
        if (p && p.snap?.candidates === s.snap?.candidates && p.selected === s.selected) return;
        const cands = s.snap?.candidates ?? [];
        const keep = new Set(cands.map((c) => c.id));
        for (const [id, r] of rows)
          if (!keep.has(id)) {
            r.el.remove();
            rows.delete(id);
          }
        if (!cands.length && !list.querySelector(".pl-note")) list.append(h("div", { class: "pl-note" }, t("pl.none")));
        if (cands.length) list.querySelector(".pl-note")?.remove();
        cands.forEach((c, i) => {
          let r = rows.get(c.id);
          if (!r) {
            r = makeRow(c);
            rows.set(c.id, r);
          }
          if (list.children[i] !== r.el) list.insertBefore(r.el, list.children[i] ?? null);
          r.el.classList.toggle("selected", c.id === s.selected);
          r.el.classList.toggle("auto", c.source === "auto");
          for (const [f, input] of r.inputs) if (document.activeElement !== input) input.value = field(c, f);
        });
        clearBtn.disabled = !cands.length;
        if (s.selected && (!p || p.selected !== s.selected))
          rows.get(s.selected)?.el.scrollIntoView({ block: "nearest" });
      },
    };
  }

  // ---------------------------------------------------------- automatic siting
  function sitingSection(): Section {
    const mode = h(
      "select",
      { class: "pl-input", "data-testid": "planner-siting-mode", "aria-label": t("pl.sitingMode") },
      h("option", { value: "count" }, t("pl.byCount")),
      h("option", { value: "target" }, t("pl.byTarget")),
    ) as HTMLSelectElement;
    const count = h("input", {
      class: "pl-input num",
      type: "number",
      min: "1",
      max: "50",
      value: "5",
      "data-testid": "planner-propose-n",
      title: t("pl.proposeN"),
    }) as HTMLInputElement;
    const target = h("input", {
      class: "pl-input num",
      type: "number",
      min: "0",
      max: "100",
      step: "0.1",
      value: "99.5",
      "data-testid": "planner-target",
      title: t("pl.target"),
    }) as HTMLInputElement;
    const err = h("div", { class: "pl-error" });
    const propose = h(
      "button",
      {
        class: "pl-btn primary",
        "data-testid": "planner-propose",
        onclick: () => {
          const n = parseNumber(count.value, "count", 1, 50);
          const tg = mode.value === "target" ? parseNumber(target.value, "targetCoveredPct", 0, 100) : null;
          const bad = [n, tg].find((x) => x && !x.ok) as { field: string; reason: string } | undefined;
          err.textContent = bad ? `${bad.field}: ${bad.reason}` : "";
          if (!n.ok || (tg && !tg.ok)) return;
          act(
            ctl.propose({
              count: mode.value === "target" ? Math.max(n.value, 50) : n.value,
              ...(tg?.ok ? { targetCoveredPct: tg.value } : {}),
            }),
          );
        },
      },
      t("pl.propose"),
    );
    const out = h("div", { class: "pl-proposals", "data-testid": "planner-proposals" });
    const el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.siting")),
      h(
        "div",
        { class: "pl-row" },
        mode,
        h("label", { class: "pl-inline" }, t("pl.proposeN"), count),
        h("label", { class: "pl-inline" }, t("pl.target"), target),
      ),
      h("div", { class: "pl-row" }, propose, err),
      out,
    );
    const sync = () => {
      target.disabled = mode.value !== "target";
    };
    mode.addEventListener("change", sync);
    sync();
    return {
      el,
      render(s, p) {
        propose.toggleAttribute("disabled", !s.snap || s.busy > 0);
        if (p && p.siting === s.siting) return;
        clear(out);
        const si = s.siting;
        if (!si) return;
        const checked = new Set(si.checked);
        const r = si.result;
        out.append(
          h(
            "div",
            { class: "pl-note" },
            `${r.proposals.length} · ${r.positionsEvaluated} pos · ${Math.round(r.ms)} ms${r.reachedTarget ? " · ✓" : ""}`,
          ),
        );
        const tbl = h(
          "table",
          { class: "pl-table" },
          h(
            "thead",
            {},
            h("tr", {}, h("th", {}, ""), h("th", {}, "#"), h("th", {}, t("pl.gain")), h("th", {}, t("pl.cum"))),
          ),
          h(
            "tbody",
            {},
            ...r.proposals.map((pr) =>
              h(
                "tr",
                { "data-testid": "planner-proposal" },
                h(
                  "td",
                  {},
                  h("input", {
                    type: "checkbox",
                    checked: checked.has(pr.candidate.id),
                    onchange: (e: Event) => ctl.setChecked(pr.candidate.id, (e.target as HTMLInputElement).checked),
                  }),
                ),
                h(
                  "td",
                  {
                    title: `${pr.source} ${pr.candidate.lon.toFixed(5)}, ${pr.candidate.lat.toFixed(5)} · ${pr.candidate.heightM} m`,
                  },
                  `${pr.rank} ${pr.source === "rooftop" ? "▲" : "▪"}`,
                ),
                h("td", {}, `+${fmtInt(pr.marginalPeople)}`),
                h("td", {}, fmtPct(pr.cumulativeCoveredPct)),
              ),
            ),
          ),
        );
        out.append(
          tbl,
          h(
            "div",
            { class: "pl-row" },
            h(
              "button",
              {
                class: "pl-btn",
                "data-testid": "planner-accept-selected",
                onclick: () => act(ctl.accept(pickProposals(r.proposals, checked))),
              },
              t("pl.acceptSel"),
            ),
            h(
              "button",
              {
                class: "pl-btn primary",
                "data-testid": "planner-accept-all",
                onclick: () => act(ctl.accept(r.proposals)),
              },
              t("pl.acceptAll"),
            ),
            h("button", { class: "pl-btn", onclick: () => ctl.dismissProposals() }, t("pl.dismiss")),
          ),
        );
      },
    };
  }

  // ---------------------------------------------------------- scenarios
  function scenarioSection(): Section {
    const name = h("input", {
      class: "pl-input name",
      type: "text",
      placeholder: t("pl.name"),
      "data-testid": "planner-scenario-name",
    }) as HTMLInputElement;
    const save = h(
      "button",
      {
        class: "pl-btn primary",
        "data-testid": "planner-save",
        onclick: () => {
          if (!name.value.trim()) return void (name.focus(), name.classList.add("bad"));
          name.classList.remove("bad");
          act(ctl.save(name.value));
        },
      },
      t("pl.save"),
    );
    const list = h("div", { class: "pl-scenarios", "data-testid": "planner-scenarios" });
    const cmp = h("div", { class: "pl-compare", "data-testid": "planner-compare" });
    const file = h("input", {
      type: "file",
      accept: ".geojson,.json,.csv,application/geo+json,text/csv",
      "data-testid": "planner-import",
      class: "pl-file",
    }) as HTMLInputElement;
    file.addEventListener("change", () => {
      const f = file.files?.[0];
      if (!f) return;
      act(
        f
          .text()
          .then((txt) => ctl.importText(f.name, txt))
          .finally(() => (file.value = "")),
      );
    });
    const download = (kind: "geojson" | "csv") => {
      const nm = name.value.trim() || ctl.state.current?.name || "scenario";
      const blob = new Blob([ctl.exportText(kind, nm)], { type: kind === "csv" ? "text/csv" : "application/geo+json" });
      const url = URL.createObjectURL(blob);
      const a = h("a", { href: url, download: fileNameFor(nm, kind) });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    };
    const report = h("div", { class: "pl-import-report", "data-testid": "planner-import-report" });
    const abA = { v: "" },
      abB = { v: "" };
    const el = h(
      "section",
      { class: "pl-sec" },
      h("h3", { class: "panel-subtitle" }, t("pl.scenarios")),
      hooks.canWrite ? null : h("div", { class: "pl-note warn" }, t("pl.needToken")),
      h("div", { class: "pl-row" }, name, save),
      list,
      cmp,
      h(
        "div",
        { class: "pl-row" },
        h(
          "button",
          { class: "pl-btn", "data-testid": "planner-export-geojson", onclick: () => download("geojson") },
          t("pl.exportGeo"),
        ),
        h(
          "button",
          { class: "pl-btn", "data-testid": "planner-export-csv", onclick: () => download("csv") },
          t("pl.exportCsv"),
        ),
      ),
      h("label", { class: "pl-btn pl-file-label" }, t("pl.import"), file),
      report,
    );
    return {
      el,
      render(s, p) {
        save.toggleAttribute("disabled", !s.snap || !hooks.canWrite);
        if (s.current && (!p || p.current !== s.current) && !name.value) name.value = s.current.name;
        if (!p || p.scenarios !== s.scenarios || p.current !== s.current) {
          clear(list);
          if (!s.scenarios.length) list.append(h("div", { class: "pl-note" }, t("pl.noScenarios")));
          const ids = new Set(s.scenarios.map((x) => String(x.id)));
          if (!ids.has(abA.v)) abA.v = "";
          if (!ids.has(abB.v)) abB.v = "";
          for (const sc of s.scenarios) {
            const radio = (grp: { v: string }, g: string) =>
              h(
                "label",
                { class: "pl-ab" },
                h("input", {
                  type: "radio",
                  name: `pl-ab-${g}`,
                  title: g,
                  checked: grp.v === String(sc.id),
                  onchange: () => (grp.v = String(sc.id)),
                }),
                g,
              );
            list.append(
              h(
                "div",
                {
                  class: `pl-scn${s.current?.id === sc.id ? " current" : ""}`,
                  "data-testid": "planner-scenario",
                  "data-id": String(sc.id),
                  "data-name": sc.name,
                },
                radio(abA, "A"),
                radio(abB, "B"),
                h("span", { class: "pl-scn-name", title: sc.updatedAt }, sc.name),
                h("span", { class: "pl-muted" }, `${sc.candidateCount} · ${(sc.kpis.coveredPct ?? NaN).toFixed(2)}%`),
                h(
                  "button",
                  { class: "pl-btn small", "data-testid": "planner-load", onclick: () => act(ctl.load(sc.id)) },
                  t("pl.load"),
                ),
                h(
                  "button",
                  {
                    class: "pl-btn small danger",
                    "data-testid": "planner-delete",
                    disabled: !hooks.canWrite,
                    onclick: () => act(ctl.deleteScenario(sc.id)),
                  },
                  t("pl.delete"),
                ),
              ),
            );
          }
          if (s.scenarios.length >= 2)
            list.append(
              h(
                "button",
                {
                  class: "pl-btn",
                  "data-testid": "planner-compare-btn",
                  onclick: () => {
                    const a = s.scenarios[0],
                      b = s.scenarios[1];
                    const ia = abA.v ? Number(abA.v) : a.id,
                      ib = abB.v ? Number(abB.v) : b.id;
                    act(ctl.compare(ia, ib));
                  },
                },
                t("pl.compare"),
              ),
            );
        }
        if (!p || p.compare !== s.compare) {
          clear(cmp);
          const c = s.compare;
          if (c) {
            const lang = uiLang.getState().lang;
            const whole = (v: number) => Number.isInteger(Math.round(v * 1000) / 1000) || Math.abs(v) >= 100;
            const fmt = (v: number | null, unit: string) =>
              v === null ? "—" : unit !== "%" && whole(v) ? fmtInt(v) : v.toFixed(2);
            cmp.append(
              h(
                "div",
                { class: "panel-head" },
                h("b", {}, `A: ${c.a}  ·  B: ${c.b}`),
                h("button", { class: "pl-btn small", onclick: () => ctl.closeCompare() }, "×"),
              ),
              h(
                "table",
                { class: "pl-table" },
                h(
                  "thead",
                  {},
                  h("tr", {}, h("th", {}, t("pl.kpi")), h("th", {}, "A"), h("th", {}, "B"), h("th", {}, "B−A")),
                ),
                h(
                  "tbody",
                  {},
                  ...c.rows
                    .filter((r) => r.district === null || c.rows.length <= 24)
                    .map((r) =>
                      h(
                        "tr",
                        { class: r.better === "b" ? "better-b" : r.better === "a" ? "better-a" : "" },
                        h(
                          "td",
                          {},
                          `${r.district ? `${r.district} · ` : ""}${lang === "zh" ? r.labelZh : r.label}${r.unit ? ` (${r.unit})` : ""}`,
                        ),
                        h("td", {}, fmt(r.a, r.unit)),
                        h("td", {}, fmt(r.b, r.unit)),
                        h(
                          "td",
                          {},
                          r.delta === null ? "—" : fmtSigned(r.delta, r.unit !== "%" && whole(r.delta) ? 0 : 2),
                        ),
                      ),
                    ),
                ),
              ),
            );
            cmp.scrollIntoView({ block: "nearest" });
          }
        }
        if (!p || p.importReport !== s.importReport) {
          clear(report);
          const r = s.importReport;
          if (r) {
            report.dataset.errors = String(r.errors.length);
            report.append(
              h(
                "div",
                { class: "panel-head" },
                h(
                  "b",
                  {},
                  `${r.file}: ${t("pl.imported")} ${r.accepted}${r.errors.length ? ` · ${t("pl.rejected")} ${r.errors.length}` : ""}`,
                ),
                h("button", { class: "pl-btn small", onclick: () => ctl.dismissImport() }, "×"),
              ),
            );
            if (r.errors.length)
              report.append(
                h(
                  "table",
                  { class: "pl-table errors" },
                  h(
                    "thead",
                    {},
                    h("tr", {}, h("th", {}, t("pl.line")), h("th", {}, t("pl.field")), h("th", {}, t("pl.reason"))),
                  ),
                  h(
                    "tbody",
                    {},
                    ...r.errors
                      .slice(0, 200)
                      .map((e) =>
                        h(
                          "tr",
                          { "data-testid": "planner-import-error" },
                          h("td", {}, String(e.line)),
                          h("td", {}, e.field),
                          h("td", {}, e.reason),
                        ),
                      ),
                  ),
                ),
              );
            report.scrollIntoView({ block: "nearest" });
          }
        }
      },
    };
  }

  build();
  const unsub = ctl.store.subscribe(renderAll);
  const unLang = uiLang.subscribe(build);
  return {
    destroy() {
      unsub();
      unLang();
      root.remove();
    },
  };
}
