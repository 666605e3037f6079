/**
 * Fixed-size ring buffers of KPI samples for the trend charts: one Float64Array per series plus the sample times,
 * allocated once (the last hour at one sample every few seconds); no growth however long the wall runs.
 */
export class History<K extends string> {
  readonly capacity: number;
  private readonly t: Float64Array;
  private readonly cols: Record<K, Float64Array>;
  private head = 0;
  private n = 0;

  constructor(keys: readonly K[], capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2)
      throw new Error(`History capacity must be an integer >= 2, got ${capacity}`);
    this.capacity = capacity;
    this.t = new Float64Array(capacity);
    this.cols = Object.fromEntries(keys.map((k) => [k, new Float64Array(capacity)])) as Record<K, Float64Array>;
  }

  get length(): number {
    return this.n;
  }

  /** forget every sample */
  clear(): void {
    this.head = 0;
    this.n = 0;
  }

  /** add a sample; missing / null values are stored as NaN (a gap in the chart) */
  push(time: number, values: Partial<Record<K, number | null>>): void {
    this.t[this.head] = time;
    for (const k of Object.keys(this.cols) as K[]) {
      const v = values[k];
      this.cols[k][this.head] = v === null || v === undefined ? NaN : v;
    }
    this.head = (this.head + 1) % this.capacity;
    this.n = Math.min(this.n + 1, this.capacity);
  }

  /** [time, value] pairs, oldest first, samples older than `since` left out; NaN becomes null */
  series(key: K, since = -Infinity): [number, number | null][] {
    const out: [number, number | null][] = [];
    const col = this.cols[key];
    const start = (this.head - this.n + this.capacity) % this.capacity;
    for (let k = 0; k < this.n; k++) {
      const i = (start + k) % this.capacity;
      if (this.t[i] < since) continue;
      const v = col[i];
      out.push([this.t[i], Number.isNaN(v) ? null : v]);
    }
    return out;
  }
}
