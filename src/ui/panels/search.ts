/** Search box: finds objects of every layer by id or name (substring, case-insensitive), flies to the chosen one. */
import type { Layer, PickRef } from "../../layers/types";
import { clear, h } from "../dom";
import { t, uiLang } from "../i18n";

export interface SearchHit extends PickRef {
  id: string;
  name: string;
}

export function searchLayers(layers: readonly Layer[], query: string, limit = 8): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const exact: SearchHit[] = [];
  const partial: SearchHit[] = [];
  for (const l of layers) {
    for (let i = 0; i < l.count; i++) {
      const id = l.idOf(i);
      const name = l.nameOf(i);
      const idl = id.toLowerCase();
      if (idl === q || name === query.trim()) exact.push({ layer: l.id, index: i, id, name });
      else if (partial.length < limit && (idl.includes(q) || name.toLowerCase().includes(q)))
        partial.push({ layer: l.id, index: i, id, name });
    }
  }
  return [...exact, ...partial].slice(0, limit);
}

/** `layers` is asked on each search: a scene rebuild replaces them. */
export function mountSearch(
  host: HTMLElement,
  layers: () => readonly Layer[],
  onChoose: (hit: SearchHit) => void,
): () => void {
  const input = h("input", { type: "search", class: "search-input", "data-testid": "search", autocomplete: "off" });
  const results = h("ul", { class: "search-results", role: "listbox", "data-testid": "search-results" });
  const box = h("div", { class: "panel search" }, input, results);
  host.append(box);
  let hits: SearchHit[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const choose = (hit: SearchHit) => {
    clear(results);
    input.value = hit.name;
    onChoose(hit);
  };
  const run = () => {
    hits = searchLayers(layers(), input.value);
    clear(results);
    if (input.value.trim() && !hits.length)
      results.append(h("li", { class: "search-empty", role: "option", "aria-disabled": "true" }, t("noResults")));
    for (const hit of hits) {
      results.append(
        h(
          "li",
          { role: "option", class: "search-hit", "data-id": hit.id, onclick: () => choose(hit) },
          h("span", { class: "hit-name" }, hit.name),
          h("span", { class: "hit-id" }, hit.id),
        ),
      );
    }
  };
  input.addEventListener("input", () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      if (timer) clearTimeout(timer);
      run();
      if (hits[0]) choose(hits[0]);
    } else if (e.key === "Escape") {
      input.value = "";
      clear(results);
    }
  });
  const label = () => {
    input.placeholder = t("search");
    input.setAttribute("aria-label", t("searchLabel"));
    results.setAttribute("aria-label", t("searchResults"));
  };
  label();
  const un = uiLang.subscribe(label);
  return () => {
    un();
    if (timer) clearTimeout(timer);
    box.remove();
  };
}
