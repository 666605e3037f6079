/**
 * Feeds the coverage worker's outage-impact engine from the live store: the sites layer's reported status (fault or
 * offline = out of service; a stale "unknown" is not an outage), checked at most every `intervalMs`, sent only when
 * the down set changed, one request in flight at a time (changes meanwhile are coalesced into the next). The worker
 * does the radio work; the page only scans a status array and posts ids, so the live stream is never blocked.
 */
import type { LiveStore } from "../../state/live-store";
import { isOutOfService } from "../../protocol/live";
import type { ImpactResult, SiteImpact } from "../../planner/outage-impact";
import type { ImpactInitResult, PlannerDataUrls } from "../../planner/worker-protocol";

export type ImpactAnswer = ImpactResult & { unknown: number };

/** The part of CoverageClient the feed uses. */
export interface ImpactWorker {
  impactInit(urls: PlannerDataUrls): Promise<ImpactInitResult>;
  impactSetDown(down: readonly string[]): Promise<ImpactAnswer>;
  dispose(): void;
}

/** Ids of the sites whose reported status is fault or offline. */
export function downSites(ids: readonly string[], reported: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) if (isOutOfService(reported[i])) out.push(ids[i]);
  return out;
}

export class ImpactFeed {
  private unsub: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastVersion = -1;
  /** the down set last sent (null: nothing sent yet, so a quiet city still gets its first, empty, result) */
  private sentKey: string | null = null;
  private busy = false;
  private again = false;
  private ready = false;
  private destroyed = false;
  private current: ImpactAnswer | null = null;
  private listeners = new Set<(r: ImpactAnswer) => void>();
  /** time the worker spent on each answered update, ms (last 50) */
  readonly workerMs: number[] = [];
  error: string | null = null;

  constructor(
    private store: LiveStore,
    private worker: ImpactWorker,
    private intervalMs = 250,
  ) {}

  /** Load the data into the worker, then follow the store. */
  async start(urls: PlannerDataUrls): Promise<ImpactInitResult> {
    const init = await this.worker.impactInit(urls);
    if (this.destroyed) return init;
    this.ready = true;
    this.unsub = this.store.subscribe(() => this.schedule());
    this.schedule();
    return init;
  }

  latest(): ImpactAnswer | null {
    return this.current;
  }

  onResult(cb: (r: ImpactAnswer) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** The impact of a down site once a result includes it (null after `timeoutMs`, or if it is not down). */
  waitForSite(id: string, timeoutMs: number): Promise<SiteImpact | null> {
    const find = () => this.current?.sites.find((s) => s.id === id) ?? null;
    const hit = find();
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve) => {
      const done = (v: SiteImpact | null) => {
        clearTimeout(t);
        off();
        resolve(v);
      };
      const t = setTimeout(() => done(null), timeoutMs);
      const off = this.onResult(() => {
        const s = find();
        if (s) done(s);
      });
    });
  }

  private schedule(): void {
    if (!this.ready || this.timer || this.destroyed) return;
    const v = this.store.getState().layers.sites?.version ?? -1;
    if (v === this.lastVersion) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.check();
    }, this.intervalMs);
  }

  private check(): void {
    const layer = this.store.getState().layers.sites;
    if (!layer?.ready || this.destroyed) return;
    this.lastVersion = layer.version;
    const down = downSites(layer.ids, layer.reported);
    const key = down.join("\n");
    if (key === this.sentKey) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.send(down, key);
  }

  private send(down: string[], key: string): void {
    this.busy = true;
    this.sentKey = key;
    this.worker
      .impactSetDown(down)
      .then((r) => {
        if (this.destroyed) return;
        this.error = null;
        this.current = r;
        this.workerMs.push(r.stats.ms);
        if (this.workerMs.length > 50) this.workerMs.shift();
        for (const l of this.listeners) l(r);
      })
      .catch((e: unknown) => {
        this.error = e instanceof Error ? e.message : String(e);
        this.sentKey = null; // try again on the next change
      })
      .finally(() => {
        this.busy = false;
        if (this.again && !this.destroyed) {
          this.again = false;
          this.check();
        }
      });
  }

  destroy(): void {
    this.destroyed = true;
    this.unsub?.();
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
    this.worker.dispose();
  }
}
