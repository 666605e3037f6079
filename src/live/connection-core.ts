/**
 * What both live connections share (connectLive on this thread, connectLiveWorker through a worker): the model and
 * its store, the perf counters, the set of subscribed layers, readiness (every subscribed layer has its first
 * snapshot), alarm listeners, the twin clock and the model's changes and digest. Both connections extend it.
 */
import type { LayerId } from "../protocol/data";
import type { AlarmEvent } from "../protocol/live";
import type { LiveModel, LiveStore } from "../state/live-store";
import type { LivePerf } from "./perf";

export type LayerIds = Partial<Record<LayerId, readonly string[]>>;

export class LiveConnectionCore {
  readonly store: LiveStore;
  /** main-thread time spent decoding and applying live messages (ring buffers) */
  protected readonly subscribed = new Set<LayerId>();
  readonly ready: Promise<void>;
  private resolveReady: () => void = () => {};
  private readonly alarmListeners = new Set<(e: AlarmEvent) => void>();

  constructor(
    /** names the connection in errors */
    private readonly who: string,
    readonly model: LiveModel,
    readonly perf: LivePerf,
    /** object ids per layer given at connect time */
    private readonly ids: LayerIds,
  ) {
    this.store = model.store;
    this.ready = new Promise<void>((r) => (this.resolveReady = r));
  }

  /** resolves `ready` once every subscribed layer has its first snapshot (or a mismatch that stops it) */
  protected checkReady(): void {
    const s = this.store.getState();
    if ([...this.subscribed].every((l) => s.layers[l]?.ready || s.layers[l]?.mismatch)) this.resolveReady();
  }

  /** Adds layers to the model (ids from `ids`, else from connect time) and to the subscribed set. */
  protected addLayers(layers: readonly LayerId[], ids?: LayerIds): void {
    for (const l of layers) {
      const list = ids?.[l] ?? this.ids[l];
      if (!list) throw new Error(`${this.who}: no ids given for layer ${l}`);
      this.model.ensureLayer(l, list);
      this.subscribed.add(l);
    }
    this.store.setState({ subscribed: [...this.subscribed] });
  }

  /** Removes layers from the subscribed set; returns those that were subscribed. */
  protected removeLayers(layers: readonly LayerId[]): LayerId[] {
    const gone = layers.filter((l) => this.subscribed.delete(l));
    this.store.setState({ subscribed: [...this.subscribed] });
    return gone;
  }

  /** The ids to send for `layers`: from `more`, else from connect time. */
  protected idsFor(layers: readonly LayerId[], more?: LayerIds): LayerIds {
    const out: LayerIds = {};
    for (const l of layers) out[l] = more?.[l] ?? this.ids[l];
    return out;
  }

  onAlarm(cb: (e: AlarmEvent) => void): () => void {
    this.alarmListeners.add(cb);
    return () => void this.alarmListeners.delete(cb);
  }

  protected emitAlarm(e: AlarmEvent): void {
    for (const cb of this.alarmListeners) cb(e);
  }

  drainChanges(layer: LayerId): Uint32Array {
    return this.model.drainChanges(layer);
  }

  digest(): string {
    return this.model.digest();
  }

  /** current twin time: the gateway's simulated clock when it simulates, else Date.now() */
  twinNow(): number {
    const c = this.store.getState().server?.clock;
    return c ? c.simMs + (Date.now() - c.wallMs) * c.speed : Date.now();
  }

  /** drops the alarm listeners (subclasses close their transport, then call this) */
  protected closeCore(): void {
    this.alarmListeners.clear();
  }
}
