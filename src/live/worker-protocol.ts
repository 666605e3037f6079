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

/** Every message the page sends the worker, by tag: its fields. */
export interface ToLiveWorkerMap {
  /** connectLive's options that cross to the worker (the rest are the page's own) */
  init: Pick<
    ConnectLiveOptions,
    "url" | "token" | "layers" | "ids" | "staleMs" | "offlineAfterMs" | "fastDecode" | "transports"
  >;
  /** send what changed since the last pull (each changed object once, with its current values) */
  pull: Record<never, never>;
  subscribe: { layers: LayerId[]; ids: Partial<Record<LayerId, readonly string[]>> };
  unsubscribe: { layers: LayerId[] };
  ack: { alarmId: string };
  detail: { layer: LayerId | null; objectId?: string };
  close: Record<never, never>;
}

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

/** Every message the worker sends the page, by tag: its fields. */
export interface FromLiveWorkerMap {
  state: { state: StateSlice; stats: LiveStats };
  dirty: { stats: LiveStats };
  patch: { patches: LayerPatch[]; stats: LiveStats; cost: LiveWorkerCost };
  alarm: { items: AlarmItem[] };
  fatal: { message: string };
}

/** The message of tag `K` in map `M`: `{ t: K, ...fields }`. */
export type MessageOf<M, K extends keyof M> = { t: K } & M[K];
/** Any message of map `M`. */
export type AnyMessage<M> = { [K in keyof M]: MessageOf<M, K> }[keyof M];
/** One handler per tag of `M`: a message added to the map without a handler does not compile. */
export type MessageHandlers<M> = { [K in keyof M]: (m: MessageOf<M, K>) => void };

export type ToLiveWorker = AnyMessage<ToLiveWorkerMap>;
export type FromLiveWorker = AnyMessage<FromLiveWorkerMap>;
export type LiveWorkerInit = MessageOf<ToLiveWorkerMap, "init">;

/** Calls the handler of `m`'s tag. */
export function dispatch<M>(handlers: MessageHandlers<M>, m: AnyMessage<M>): void {
  const handler = handlers[m.t] as (m: AnyMessage<M>) => void;
  handler(m);
}
