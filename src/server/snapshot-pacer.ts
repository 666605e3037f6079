/**
 * At most one snapshot per layer in flight per socket. A snapshot is "in flight" from the moment it is queued
 * until the socket's queue has drained below `drainedBytes` (the client has taken it in). A request for a layer
 * whose snapshot is still in flight is remembered (once, however many arrive) and answered with a fresh
 * snapshot when the queue has drained — so a client that asks again and again, or never reads, cannot make the
 * gateway build and queue snapshot after snapshot, and never extends its own slow-client grace period.
 */
import type { GatewaySocket, SocketSnapshots } from "./socket-data";
import type { LayerId } from "../protocol/data";
import { EVENTS } from "../protocol/live";
import { queuedBytes } from "./send-queue";

/** Default: a socket's queue below this many bytes counts as drained (a few deltas, not a snapshot). */
export const DRAINED_BYTES = 64 * 1024;

/**
 * Emit a snapshot and give the socket a grace period sized to it before the slow-client guard may judge it:
 * right after a big snapshot the send queue is long because we just wrote it, not because the client stopped
 * reading (300k objects: ~10 MB of JSON; 2 s + ~50 bytes per object at 1 MB/s). Only the pacer calls this, so
 * a snapshot is never sent — and the grace never extended — while the previous one is unread.
 */
export function sendSnapshot(socket: GatewaySocket, snap: { count: number }): void {
  const graceMs = 2000 + (snap.count * 50) / 1000;
  socket.data.graceUntil = Math.max(socket.data.graceUntil ?? 0, Date.now() + graceMs);
  socket.emit(EVENTS.snapshot, snap);
}

export class SnapshotPacer implements SocketSnapshots {
  private readonly inFlight = new Set<LayerId>();
  private readonly pending = new Set<LayerId>();
  /** snapshots sent, and requests folded into a pending one (for tests and the abuse run) */
  sent = 0;
  deferred = 0;

  constructor(
    private readonly socket: GatewaySocket,
    private readonly build: (layer: LayerId) => { count: number },
    private readonly drainedBytes = DRAINED_BYTES,
  ) {}

  /** Send a fresh snapshot of `layer` now, or as soon as the previous one of that layer has been taken in. */
  request(layer: LayerId): void {
    this.settle();
    if (this.inFlight.has(layer)) {
      if (!this.pending.has(layer)) this.pending.add(layer);
      this.deferred++;
      return;
    }
    this.send(layer);
  }

  /** Forget a pending request (the client unsubscribed from the layer). */
  cancel(layer: LayerId): void {
    this.pending.delete(layer);
  }

  /** Called periodically (slow-client guard tick): answer pending requests once the queue has drained. */
  pump(): void {
    this.settle();
    for (const l of [...this.pending]) {
      if (this.inFlight.has(l)) continue;
      this.pending.delete(l);
      this.send(l);
    }
  }

  get busy(): boolean {
    return this.inFlight.size > 0 || this.pending.size > 0;
  }

  private settle(): void {
    if (this.inFlight.size && queuedBytes(this.socket) <= this.drainedBytes) this.inFlight.clear();
  }

  private send(layer: LayerId): void {
    this.inFlight.add(layer);
    this.sent++;
    sendSnapshot(this.socket, this.build(layer));
  }
}
