/**
 * The one reader of the page's URL flags (?mode=, ?lang=, ?liveWorker=0, ?recolourBudget=, ?dwell=, …): every
 * module asks it instead of parsing location.search itself, with the same rules for switches and bounded numbers.
 */
export interface NumberRule {
  min: number;
  max: number;
  /** a value outside [min, max]: "clamp" to the bounds (default) or fall back to the "default" with a warning */
  outOfRange?: "clamp" | "default";
  /** who asks, for the warning (e.g. "kiosk") */
  who?: string;
}

export class UrlFlags {
  constructor(private readonly params: URLSearchParams) {}

  /** the flags of the current page (empty outside a browser) */
  static ofPage(): UrlFlags {
    return new UrlFlags(new URLSearchParams(typeof location === "undefined" ? "" : location.search));
  }

  /** the raw value, or null when absent */
  string(name: string): string | null {
    return this.params.get(name);
  }

  /** a switch that is on unless the URL says `name=0` */
  enabled(name: string): boolean {
    return this.params.get(name) !== "0";
  }

  /** a switch that is off unless the URL says `name=1` */
  on(name: string): boolean {
    return this.params.get(name) === "1";
  }

  /** a finite number within the rule's bounds; absent or not a number gives `def` */
  number(name: string, def: number, rule: NumberRule): number {
    const raw = this.params.get(name);
    if (raw === null) return def;
    const v = Number(raw);
    if (!Number.isFinite(v)) return this.fallback(name, raw, def, rule);
    if (v >= rule.min && v <= rule.max) return v;
    if ((rule.outOfRange ?? "clamp") === "clamp") return Math.min(rule.max, Math.max(rule.min, v));
    return this.fallback(name, raw, def, rule);
  }

  /** a positive finite number, or null when absent or not one */
  positive(name: string): number | null {
    const v = Number(this.params.get(name));
    return Number.isFinite(v) && v > 0 ? v : null;
  }

  private fallback(name: string, raw: string, def: number, rule: NumberRule): number {
    if (rule.outOfRange === "default")
      console.warn(`${rule.who ?? "url"}: ?${name}=${raw} is not a number in [${rule.min}, ${rule.max}]; using ${def}`);
    return def;
  }
}
