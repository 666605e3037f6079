/**
 * Typed, promise-based client of the planner worker. Each call gets a request id; responses resolve the
 * matching promise (typed arrays arrive transferred). `dragCandidate` coalesces a stream of moves so only
 * the latest position is computed while a previous one is in flight (drag without a backlog).
 *
 *   const planner = new CoverageClient();
 *   await planner.init({ sites, buildings, districts });
 *   const snap = await planner.setArea({ kind: "district", name: "鼓楼区" });
 *   // drape snap.rgba (snap.grid.nx × snap.grid.ny, north row first) on
 *   // Rectangle.fromDegrees(snap.grid.west, snap.grid.south, snap.grid.east, snap.grid.north)
 *   const { snapshot, delta } = await planner.upsertCandidate(makeCandidate(lon, lat));
 */
import type { PlannerArea } from "../protocol/scenario";
import type { CandidateDelta } from "./candidates";
import type { CoverageParams } from "./coverage";
import type { ImpactPoint, OutageTimeline } from "./impact-series";
import type { RestoreOptions } from "./restore";
import type { PlannerInit, PlannerSnapshot, WeakSpot } from "./session";
import type { SitingOptions, SitingResult } from "./siting";
import type {
  PlannerDataUrls,
  PlannerMethod,
  PlannerMethods,
  PlannerRequest,
  PlannerResponse,
} from "./worker-protocol";

/** The part of Worker the client uses (a real Worker, or a stand-in in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (ev: MessageEvent<PlannerResponse>) => void): void;
  addEventListener(type: "error", listener: (ev: ErrorEvent) => void): void;
  terminate(): void;
}

export type DragResult = { snapshot: PlannerSnapshot; delta: CandidateDelta } | null;

export class PlannerWorkerError extends Error {
  constructor(
    readonly method: PlannerMethod,
    message: string,
  ) {
    super(`planner ${method}: ${message}`);
    this.name = "PlannerWorkerError";
  }
}

interface Pending {
  method: PlannerMethod;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class CoverageClient {
  private worker: WorkerLike;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** time the worker spent on the last answered request, ms */
  lastWorkerMs = 0;

  constructor(worker?: WorkerLike) {
    this.worker =
      worker ??
      (new Worker(new URL("./coverage.worker.ts", import.meta.url), { type: "module" }) as unknown as WorkerLike);
    this.worker.addEventListener("message", (ev: MessageEvent<PlannerResponse>) => {
      const r = ev.data;
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) {
        this.lastWorkerMs = r.ms;
        p.resolve(r.result);
      } else p.reject(new PlannerWorkerError(p.method, r.error));
    });
    this.worker.addEventListener("error", (ev: ErrorEvent) => {
      const err = new Error(`planner worker crashed: ${ev.message}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  private call<M extends PlannerMethod>(
    method: M,
    arg: PlannerMethods[M]["arg"],
  ): Promise<PlannerMethods[M]["result"]> {
    const id = this.nextId++;
    const req: PlannerRequest<M> = { id, method, arg };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(req);
    });
  }

  /** Load sites, buildings (for LOS and demand) and district polygons; must come first. */
  init(data: PlannerInit): Promise<PlannerMethods["init"]["result"]> {
    return this.call("init", data);
  }
  /** Let the worker fetch and validate the data files itself (preferred: no 12 MB clone from the UI thread). */
  initFromUrls(urls: PlannerDataUrls): Promise<PlannerMethods["initFromUrls"]["result"]> {
    return this.call("initFromUrls", urls);
  }
  /** Analyse a district or a drawn polygon: full computation. */
  setArea(area: PlannerArea): Promise<PlannerSnapshot> {
    return this.call("setArea", { area });
  }
  /** Change cell size / thresholds / LOS mode / …; recomputes. */
  setParams(params: Partial<CoverageParams>): Promise<PlannerSnapshot> {
    return this.call("setParams", { params });
  }
  /** Place a candidate or move/edit it (same id): incremental. */
  upsertCandidate(candidate: unknown): Promise<{ snapshot: PlannerSnapshot; delta: CandidateDelta }> {
    return this.call("upsertCandidate", { candidate });
  }
  removeCandidate(id: string): Promise<PlannerSnapshot> {
    return this.call("removeCandidate", { id });
  }
  /** Replace all candidates (load a scenario, accept proposals). */
  setCandidates(candidates: readonly unknown[]): Promise<PlannerSnapshot> {
    return this.call("setCandidates", { candidates });
  }
  candidateDelta(id: string): Promise<CandidateDelta> {
    return this.call("candidateDelta", { id });
  }
  /** Automatic siting: ranked proposals (not placed; accept them with setCandidates/upsertCandidate). */
  propose(options: Partial<SitingOptions> = {}): Promise<SitingResult> {
    return this.call("propose", { options });
  }

  /** Populated cells below the good threshold (most people first by default), ≥ minSpacingM apart. */
  weakSpots(limit = 10, by: "people" | "rsrp" = "people", minSpacingM = 300): Promise<WeakSpot[]> {
    return this.call("weakSpots", { limit, by, minSpacingM });
  }

  /** Take existing sites out of service (an outage as a planning case); [] restores all. */
  setOutOfService(ids: readonly string[]): Promise<PlannerSnapshot> {
    return this.call("setOutOfService", { ids });
  }
  /** Restore coverage: the down sites out of service, the outage area analysed, proposals scored against it. */
  restoreCoverage(
    down: readonly string[],
    options: Partial<RestoreOptions> = {},
  ): Promise<PlannerMethods["restoreCoverage"]["result"]> {
    return this.call("restoreCoverage", { down, options });
  }
  /** Live outage impact: load the data and lay the city-wide lattice (independent of the planner session). */
  impactInit(urls: PlannerDataUrls): Promise<PlannerMethods["impactInit"]["result"]> {
    return this.call("impactInit", urls);
  }
  /** The sites out of service now (by id): incremental impact of the change since the last call. */
  impactSetDown(down: readonly string[]): Promise<PlannerMethods["impactSetDown"]["result"]> {
    return this.call("impactSetDown", { down });
  }

  /** Impact over time of a recorded outage timeline (the live down set is kept). */
  impactSeries(timeline: OutageTimeline, maxPoints?: number): Promise<ImpactPoint[]> {
    return this.call("impactSeries", { timeline, maxPoints });
  }

  private dragBusy = false;
  private dragNext: { candidate: unknown; resolve: (v: DragResult) => void; reject: (e: Error) => void } | null = null;

  /**
   * Move a candidate during a drag. While a move is being computed, later moves replace each other; only the
   * latest is sent next. Resolves with the result for this position, or null if a newer move superseded it.
   */
  dragCandidate(candidate: unknown): Promise<DragResult> {
    return new Promise<DragResult>((resolve, reject) => {
      if (this.dragBusy) {
        this.dragNext?.resolve(null);
        this.dragNext = { candidate, resolve, reject };
        return;
      }
      this.dragBusy = true;
      const run = (job: { candidate: unknown; resolve: (v: DragResult) => void; reject: (e: Error) => void }) => {
        this.upsertCandidate(job.candidate)
          .then(job.resolve, job.reject)
          .finally(() => {
            const next = this.dragNext;
            this.dragNext = null;
            if (next) run(next);
            else this.dragBusy = false;
          });
      };
      run({ candidate, resolve, reject });
    });
  }

  dispose(): void {
    for (const p of this.pending.values()) p.reject(new Error("planner worker disposed"));
    this.pending.clear();
    this.worker.terminate();
  }
}
