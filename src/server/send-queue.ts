/**
 * What the gateway holds in memory for one client: the engine.io write buffer (packets not yet handed to the
 * transport) plus the websocket's bufferedAmount (bytes written but not yet taken by the kernel). A client that
 * does not read makes this grow; SendBudget caps it per socket and in total.
 */
import type { GatewayServer, GatewaySocket } from "./socket-data";

interface ConnInternals {
  writeBuffer?: ({ data?: unknown } | undefined)[];
  transport?: { socket?: { bufferedAmount?: number } };
}

/** Bytes queued on the gateway for this socket (UTF-16 string length of queued packets + ws bufferedAmount). */
export function queuedBytes(socket: GatewaySocket): number {
  const conn = socket.conn as unknown as ConnInternals;
  let n = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const p of conn.writeBuffer ?? []) {
    const d = p?.data;
    if (typeof d === "string") n += d.length;
    else if (d instanceof Uint8Array) n += d.byteLength;
    else if (d instanceof ArrayBuffer) n += d.byteLength;
  }
  return n;
}

/** Packets queued for this socket: engine.io write buffer plus ws bytes / 16 KiB (the slow-client guard's measure). */
export function backlogOf(socket: GatewaySocket): number {
  const conn = socket.conn as unknown as ConnInternals;
  return (conn.writeBuffer?.length ?? 0) + Math.floor((conn.transport?.socket?.bufferedAmount ?? 0) / 16384);
}

export interface SendBudgetLimits {
  /** a socket with more than this many bytes queued is disconnected (its queue is freed) */
  maxQueuedBytes: number;
  /** all sockets together: past this, the sockets with the longest queues are disconnected until under it */
  maxTotalQueuedBytes: number;
}
export const DEFAULT_SEND_BUDGET: SendBudgetLimits = {
  maxQueuedBytes: 32 * 1024 * 1024,
  maxTotalQueuedBytes: 256 * 1024 * 1024,
};

/**
 * Caps what the gateway queues for its clients: per socket and in total. Run from the slow-client guard's
 * tick; a socket over budget is disconnected (a live client reconnects and starts from snapshots, a dead one
 * is gone), so gateway memory stays bounded whatever the clients do.
 */
export class SendBudget {
  /** sockets disconnected for exceeding the budget */
  dropped = 0;
  /** the largest total seen by check(), for /api/health and the abuse test */
  peakTotalBytes = 0;
  constructor(private readonly limits: SendBudgetLimits) {}

  /** true when this socket alone is over budget (and was disconnected) */
  enforceOne(socket: GatewaySocket, bytes = queuedBytes(socket)): boolean {
    if (bytes <= this.limits.maxQueuedBytes) return false;
    this.drop(socket);
    return true;
  }

  check(io: GatewayServer): void {
    const queued: { socket: GatewaySocket; bytes: number }[] = [];
    let total = 0;
    for (const socket of io.of("/").sockets.values()) {
      const bytes = queuedBytes(socket);
      if (this.enforceOne(socket, bytes)) continue;
      total += bytes;
      if (bytes > 0) queued.push({ socket, bytes });
    }
    this.peakTotalBytes = Math.max(this.peakTotalBytes, total);
    if (total <= this.limits.maxTotalQueuedBytes) return;
    queued.sort((a, b) => b.bytes - a.bytes);
    for (const q of queued) {
      if (total <= this.limits.maxTotalQueuedBytes) break;
      total -= q.bytes;
      this.drop(q.socket);
    }
  }

  private drop(socket: GatewaySocket): void {
    this.dropped++;
    socket.disconnect(true);
  }
}
