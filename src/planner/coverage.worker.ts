/// <reference lib="webworker" />
/**
 * Planner analysis Web Worker: receives PlannerRequest messages, answers PlannerResponse messages with the
 * typed arrays transferred (not copied). Created by coverage-client.ts.
 */
import { PlannerHost, type PlannerRequest } from "./worker-protocol";

const host = new PlannerHost();
const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<PlannerRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
};

// requests are handled one at a time, in arrival order (initFromUrls awaits its fetches before the next runs)
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (ev) => {
  queue = queue.then(async () => {
    const { response, transfer } = await host.handle(ev.data);
    scope.postMessage(response, transfer);
  });
};
