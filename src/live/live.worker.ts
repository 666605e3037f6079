/// <reference lib="webworker" />
/**
 * The live Web Worker: socket.io connection, JSON parse, validation and per-object state off the page's main thread.
 * All logic is in worker-host.ts; created by worker-client.ts.
 */
import { LiveWorkerHost } from "./worker-host";
import type { FromLiveWorker, ToLiveWorker } from "./worker-protocol";

const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<ToLiveWorker>) => void) | null;
  postMessage(message: FromLiveWorker, transfer: Transferable[]): void;
};
const host = new LiveWorkerHost((m, transfer) => scope.postMessage(m, transfer));
scope.onmessage = (ev) => {
  try {
    host.handle(ev.data);
  } catch (e) {
    scope.postMessage({ t: "fatal", message: `live worker: ${(e as Error).message}` }, []);
  }
};
