/**
 * Messages between the planner UI thread (coverage-client.ts) and the planner worker (coverage.worker.ts),
 * and the host that executes them (also usable in-process, e.g. in Node tests).
 */
import { BuildingsFile, DistrictsFile, SitesFile, parseDataFile } from "../protocol/data";
import type { PlannerArea } from "../protocol/scenario";
import type { CandidateDelta } from "./candidates";
import type { CoverageParams } from "./coverage";
import { type ImpactPoint, type OutageTimeline, impactSeries } from "./impact-series";
import { type ImpactResult, OutageImpact } from "./outage-impact";
import type { RestoreOptions, RestoreResult } from "./restore";
import { type PlannerInit, type PlannerSnapshot, type WeakSpot, PlannerSession } from "./session";
import type { SitingOptions, SitingResult } from "./siting";

/** Where the worker fetches its data files (initFromUrls). */
export interface PlannerDataUrls {
  /** e.g. "/data/sites.json" (rongtwin.sites/1) */
  sites: string;
  /** e.g. "/data/buildings.json" (rongtwin.buildings/1) */
  buildings?: string;
  /** e.g. "/data/districts.geojson" (rongtwin.districts/1) */
  districts?: string;
  params?: PlannerInit["params"];
}
export interface InitResult {
  sites: number;
  buildings: number;
  districts: number;
  /** time to fetch + validate (initFromUrls only), ms */
  loadMs?: number;
}

export interface ImpactInitResult {
  sites: number;
  /** lattice cells (nx × ny) */
  cells: number;
  /** fetch + validate + demand model, ms */
  initMs: number;
}

/** Every method the worker serves: argument → result. */
export interface PlannerMethods {
  init: { arg: PlannerInit; result: InitResult };
  initFromUrls: { arg: PlannerDataUrls; result: InitResult };
  setArea: { arg: { area: PlannerArea }; result: PlannerSnapshot };
  setParams: { arg: { params: Partial<CoverageParams> }; result: PlannerSnapshot };
  upsertCandidate: { arg: { candidate: unknown }; result: { snapshot: PlannerSnapshot; delta: CandidateDelta } };
  removeCandidate: { arg: { id: string }; result: PlannerSnapshot };
  setCandidates: { arg: { candidates: readonly unknown[] }; result: PlannerSnapshot };
  candidateDelta: { arg: { id: string }; result: CandidateDelta };
  propose: { arg: { options: Partial<SitingOptions> }; result: SitingResult };
  weakSpots: { arg: { limit?: number; by?: "people" | "rsrp"; minSpacingM?: number }; result: WeakSpot[] };
  /** take existing sites out of service in the planner session (an outage as a planning case) */
  setOutOfService: { arg: { ids: readonly string[] }; result: PlannerSnapshot };
  /** restore coverage: the down sites out of service, the outage area as the area, proposals scored against it */
  restoreCoverage: {
    arg: { down: readonly string[]; options?: Partial<RestoreOptions> };
    result: { snapshot: PlannerSnapshot; restore: RestoreResult };
  };
  /** live outage impact (independent of the planner session): load the data, lay the city-wide lattice */
  impactInit: { arg: PlannerDataUrls; result: ImpactInitResult };
  /** the sites now out of service (fault / offline), by id; unknown ids are counted */
  impactSetDown: { arg: { down: readonly string[] }; result: ImpactResult & { unknown: number } };
  /** impact over time of a recorded outage timeline (the live down set is kept) */
  impactSeries: { arg: { timeline: OutageTimeline; maxPoints?: number }; result: ImpactPoint[] };
}
export type PlannerMethod = keyof PlannerMethods;

export interface PlannerRequest<M extends PlannerMethod = PlannerMethod> {
  id: number;
  method: M;
  arg: PlannerMethods[M]["arg"];
}
export type PlannerResponse =
  { id: number; ok: true; result: unknown; ms: number } | { id: number; ok: false; error: string };

/** Buffers of the typed arrays inside a result, to transfer rather than copy. */
export function transferablesOf(result: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number) => {
    if (!v || typeof v !== "object" || depth > 4) return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
      return;
    }
    if (Array.isArray(v)) return; // plain arrays hold no typed arrays in our results
    for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(result, 0);
  return [...out];
}

/** Executes planner requests against one PlannerSession. */
export class PlannerHost {
  private session: PlannerSession | null = null;
  private impact: OutageImpact | null = null;

  async handle(req: PlannerRequest): Promise<{ response: PlannerResponse; transfer: ArrayBuffer[] }> {
    const t0 = performance.now();
    try {
      const result =
        req.method === "initFromUrls"
          ? await this.initFromUrls(req.arg as PlannerDataUrls)
          : req.method === "impactInit"
            ? await this.impactInit(req.arg as PlannerDataUrls)
            : this.dispatch(req);
      return {
        response: { id: req.id, ok: true, result, ms: performance.now() - t0 },
        transfer: transferablesOf(result),
      };
    } catch (e) {
      return { response: { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) }, transfer: [] };
    }
  }

  /** Fetch and validate the data files inside the worker (keeps ~12 MB of JSON off the UI thread). */
  private async initFromUrls(a: PlannerDataUrls): Promise<InitResult> {
    const t0 = performance.now();
    const { sites, buildings, districts } = await loadPlannerData(a);
    this.session = new PlannerSession({ sites, buildings, districts, params: a.params });
    return {
      sites: sites.length,
      buildings: buildings.length,
      districts: districts.length,
      loadMs: performance.now() - t0,
    };
  }

  private async impactInit(a: PlannerDataUrls): Promise<PlannerMethods["impactInit"]["result"]> {
    const t0 = performance.now();
    const { sites, buildings, districts } = await loadPlannerData(a);
    this.impact = new OutageImpact({ sites, buildings, districts, params: a.params });
    const g = this.impact.lattice();
    return { sites: sites.length, cells: g.nx * g.ny, initMs: performance.now() - t0 };
  }

  private impactSetDown(a: PlannerMethods["impactSetDown"]["arg"]): PlannerMethods["impactSetDown"]["result"] {
    if (!this.impact) throw new Error("planner worker: impactInit() first");
    const { result, unknown } = this.impact.setDown(a.down);
    return { ...result, unknown };
  }

  private s(): PlannerSession {
    if (!this.session) throw new Error("planner worker: init() first");
    return this.session;
  }

  private dispatch(req: PlannerRequest): unknown {
    switch (req.method) {
      case "init": {
        const a = req.arg as PlannerMethods["init"]["arg"];
        this.session = new PlannerSession(a);
        return { sites: a.sites.length, buildings: a.buildings?.length ?? 0, districts: a.districts?.length ?? 0 };
      }
      case "setArea":
        return this.s().setArea((req.arg as PlannerMethods["setArea"]["arg"]).area);
      case "setParams":
        return this.s().setParams((req.arg as PlannerMethods["setParams"]["arg"]).params);
      case "upsertCandidate":
        return this.s().upsertCandidate((req.arg as PlannerMethods["upsertCandidate"]["arg"]).candidate);
      case "removeCandidate":
        return this.s().removeCandidate((req.arg as PlannerMethods["removeCandidate"]["arg"]).id);
      case "setCandidates":
        return this.s().setCandidates((req.arg as PlannerMethods["setCandidates"]["arg"]).candidates);
      case "candidateDelta":
        return this.s().candidateDelta((req.arg as PlannerMethods["candidateDelta"]["arg"]).id);
      case "propose":
        return this.s().propose((req.arg as PlannerMethods["propose"]["arg"]).options);
      case "setOutOfService":
        return this.s().setOutOfService((req.arg as PlannerMethods["setOutOfService"]["arg"]).ids);
      case "restoreCoverage": {
        const a = req.arg as PlannerMethods["restoreCoverage"]["arg"];
        return this.s().restoreCoverage(a.down, a.options);
      }
      case "impactSetDown":
        return this.impactSetDown(req.arg as PlannerMethods["impactSetDown"]["arg"]);
      case "impactSeries": {
        if (!this.impact) throw new Error("planner worker: impactInit() first");
        const a = req.arg as PlannerMethods["impactSeries"]["arg"];
        return impactSeries(this.impact, a.timeline, a.maxPoints);
      }
      case "weakSpots": {
        const a = req.arg as PlannerMethods["weakSpots"]["arg"];
        return this.s().weakSpots(a.limit, a.by, a.minSpacingM);
      }
      default:
        throw new Error(`planner worker: unknown method ${String((req as { method: unknown }).method)}`);
    }
  }
}

/** Fetch and validate the planner's data files (sites, optional buildings and districts). */
export async function loadPlannerData(
  a: PlannerDataUrls,
): Promise<Required<Pick<PlannerInit, "sites" | "buildings" | "districts">>> {
  const get = async (url: string) => {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return (await r.json()) as unknown;
  };
  const [sitesJ, bJ, dJ] = await Promise.all([
    get(a.sites),
    a.buildings ? get(a.buildings) : null,
    a.districts ? get(a.districts) : null,
  ]);
  const sites = parseDataFile(SitesFile, sitesJ, a.sites).items;
  const buildings = bJ ? parseDataFile(BuildingsFile, bJ, a.buildings!).items : [];
  const districts = dJ
    ? parseDataFile(DistrictsFile, dJ, a.districts!).features.map((f) => ({
        name: f.properties.name,
        geometry: f.geometry,
        population: f.properties.population,
      }))
    : [];
  return { sites, buildings, districts };
}
