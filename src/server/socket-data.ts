/**
 * What the gateway keeps on each socket.io socket (`socket.data`), typed: the authenticated principal, the
 * snapshot pacer, and the slow-client guard's lagging state and snapshot grace.
 */
import type { DefaultEventsMap, Server, Socket } from "socket.io";
import type { LayerId } from "../protocol/data";
import type { Principal } from "./config";

/** The socket's snapshot pacer (snapshot-pacer.ts): at most one unread snapshot per socket. */
export interface SocketSnapshots {
  request(layer: LayerId): void;
  cancel(layer: LayerId): void;
  /** sends what is pending once the previous snapshot was read */
  pump(): void;
  readonly busy: boolean;
}

export interface GatewaySocketData {
  principal?: Principal;
  snapshots?: SocketSnapshots;
  /** layers the slow-client guard took the socket out of (undefined: not lagging) */
  lagging?: LayerId[];
  /** when the socket started lagging (ms since the epoch) */
  laggingSince?: number;
  /** whether it was in the alarm room when cut off */
  laggingAlarms?: boolean;
  /** the slow-client guard leaves the socket alone until then (ms since the epoch), after a large snapshot */
  graceUntil?: number;
}

export type GatewayServer = Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, GatewaySocketData>;
export type GatewaySocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, GatewaySocketData>;
