/**
 * Messages between the page and the live Web Worker (live.worker.ts). The worker owns the socket: socket.io's
 * JSON.parse, validation, sequence/gap/resync handling and the per-object state all run there (connectLive, the same
 * code the Node tests drive). The page keeps a mirror of the typed arrays and *pulls* what changed when it is ready
 * for a live frame, so coalescing is free (an object that changed ten times since the last pull is sent once) and a
 * page that is busy drawing never builds a queue of messages.
 *
 *   page -> worker: init, pull, subscribe, unsubscribe, ack, detail, close
 *   worker -> page: state (connection, server, detail, lastError, subscribed — on change), dirty (something to pull),
 *                   patch (per layer: changed indices + their values, typed arrays transferred), alarm (lists and
 *                   events in arrival order, batched), fatal
 */
import type { LayerId } from "../protocol/data";
import type { Alarm, AlarmEvent } from "../protocol/live";
import type { LayerPatch, LiveStats, LiveStoreState } from "../state/live-store";
import type { ConnectLiveOptions } from "./client";

export type { LayerPatch };

/** connectLive's options that cross to the worker (the rest are the page's own) */
export type LiveWorkerInit = { t: "init" } & Pick<
  ConnectLiveOptions,
  "url" | "token" | "layers" | "ids" | "staleMs" | "offlineAfterMs" | "fastDecode" | "transports"
>;

export type ToLiveWorker =
  | LiveWorkerInit
  /** send what changed since the last pull (each changed object once, with its current values) */
  | { t: "pull" }
  | { t: "subscribe"; layers: LayerId[]; ids: Partial<Record<LayerId, readonly string[]>> }
  | { t: "unsubscribe"; layers: LayerId[] }
  | { t: "ack"; alarmId: string }
  | { t: "detail"; layer: LayerId | null; objectId?: string }
  | { t: "close" };

/** Worker-side cost of the messages behind one patch (ms of the worker's thread, not the page's). */
export interface LiveWorkerCost {
  parseMs: number;
  decodeMs: number;
  applyMs: number;
  gatherMs: number;
  /** delta records (object updates) received */
  records: number;
}

export type StateSlice = Partial<Pick<LiveStoreState, "connection" | "server" | "detail" | "lastError" | "subscribed">>;
export type AlarmItem = { list: Alarm[] } | { event: AlarmEvent };

export type FromLiveWorker =
  | { t: "state"; state: StateSlice; stats: LiveStats }
  | { t: "dirty"; stats: LiveStats }
  | { t: "patch"; patches: LayerPatch[]; stats: LiveStats; cost: LiveWorkerCost }
  | { t: "alarm"; items: AlarmItem[] }
  | { t: "fatal"; message: string };
