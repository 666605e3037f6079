import { afterEach, describe, expect, it, vi } from "vitest";
import { CoverageClient, type WorkerLike } from "./coverage-client";
import { makeCandidate } from "./candidates";
import { randomSites, squareArea } from "./fixtures";
import { PlannerHost, type PlannerRequest, type PlannerResponse, transferablesOf } from "./worker-protocol";

/** In-process stand-in for the Worker: structured-clones messages both ways, answers asynchronously. */
class FakeWorker implements WorkerLike {
  private host = new PlannerHost();
  private onMessage: ((ev: MessageEvent<PlannerResponse>) => void)[] = [];
  sent: string[] = [];
  transferred = 0;
  postMessage(message: unknown): void {
    const req = structuredClone(message) as PlannerRequest;
    this.sent.push(req.method);
    setTimeout(async () => {
      const { response, transfer } = await this.host.handle(req);
      this.transferred += transfer.length;
      const data = structuredClone(response, { transfer });
      for (const l of this.onMessage) l({ data } as MessageEvent<PlannerResponse>);
    }, 0);
  }
  addEventListener(type: string, l: (ev: never) => void): void {
    if (type === "message") this.onMessage.push(l as (ev: MessageEvent<PlannerResponse>) => void);
  }
  terminate(): void {}
}

const LON = 119.3,
  LAT = 26.08;
const area = squareArea(LON, LAT, 1500);

describe("coverage client ↔ worker protocol", () => {
  it("round-trips requests by id, transfers typed arrays, reports errors by method", async () => {
    const w = new FakeWorker();
    const c = new CoverageClient(w);
    await expect(c.setArea({ kind: "polygon", geometry: area })).rejects.toThrow(
      /planner setArea: planner worker: init\(\) first/,
    );
    const info = await c.init({
      sites: randomSites(60, LON, LAT, 3000, 2),
      districts: [{ name: "鼓楼区", geometry: area, population: 50000 }],
    });
    expect(info).toEqual({ sites: 60, buildings: 0, districts: 1 });
    const [a, b] = await Promise.all([
      c.setArea({ kind: "district", name: "鼓楼区" }),
      c.setArea({ kind: "polygon", geometry: area }),
    ]);
    expect(a.grid.best).toBeInstanceOf(Float32Array);
    expect(a.rgba.length).toBe(a.grid.nx * a.grid.ny * 4);
    expect(b.kpis.area.people).toBeCloseTo(50000, -2);
    expect(w.transferred).toBeGreaterThan(0);
    await expect(c.setArea({ kind: "district", name: "台江区" })).rejects.toThrow(/district 台江区 not loaded/);
    const r = await c.upsertCandidate(makeCandidate(LON, LAT, { id: "X1" }));
    expect(r.delta.candidateId).toBe("X1");
    expect(r.snapshot.candidates).toHaveLength(1);
    const p = await c.propose({ count: 2 });
    expect(p.proposals.length).toBeLessThanOrEqual(2);
    c.dispose();
  });

  it("dragCandidate computes only the latest of rapid moves", async () => {
    const w = new FakeWorker();
    const c = new CoverageClient(w);
    await c.init({ sites: randomSites(30, LON, LAT, 3000, 4) });
    await c.setArea({ kind: "polygon", geometry: area });
    w.sent.length = 0;
    const moves = [0, 1, 2, 3, 4].map((k) => c.dragCandidate(makeCandidate(LON + k * 0.001, LAT, { id: "D" })));
    const res = await Promise.all(moves);
    expect(res[0]).not.toBeNull(); // first sent at once
    expect(res.slice(1, 4)).toEqual([null, null, null]); // superseded
    expect(res[4]!.snapshot.candidates[0].lon).toBeCloseTo(LON + 0.004, 9);
    expect(w.sent).toEqual(["upsertCandidate", "upsertCandidate"]);
  });

  it("transferablesOf finds nested typed-array buffers", () => {
    const f = new Float32Array(4),
      i = new Int32Array(2);
    expect(transferablesOf({ grid: { f, i }, rgba: new Uint8ClampedArray(1), list: [1, 2] }).length).toBe(3);
  });
});

describe("initFromUrls", () => {
  afterEach(() => vi.unstubAllGlobals());
  it("fetches and validates the data files in the worker, naming the bad record", async () => {
    const sites = randomSites(5, LON, LAT, 2000, 9).map((s, i) => ({
      ...s,
      name: `站${i}`,
      operator: "CMCC",
      district: "鼓楼区",
      commissioned: "2024-01-01",
    }));
    const file = (items: unknown[]) => ({
      schema: "rongtwin.sites/1",
      sample: true,
      generator: { name: "t", version: "1", seed: 1 },
      items,
    });
    const served: Record<string, unknown> = {
      "/data/sites.json": file(sites),
      "/data/bad.json": file([{ ...sites[0], lat: 123 }]),
    };
    vi.stubGlobal("fetch", async (url: string) =>
      served[url]
        ? { ok: true, status: 200, json: async () => structuredClone(served[url]) }
        : { ok: false, status: 404, json: async () => null },
    );
    const c = new CoverageClient(new FakeWorker());
    const r = await c.initFromUrls({ sites: "/data/sites.json" });
    expect(r).toMatchObject({ sites: 5, buildings: 0, districts: 0 });
    const snap = await c.setArea({ kind: "polygon", geometry: area });
    expect(snap.baseSiteCount).toBe(5);
    await expect(c.initFromUrls({ sites: "/data/bad.json" })).rejects.toThrow(
      /\/data\/bad.json: items\[0\] \(S0\)\.lat/,
    );
    await expect(c.initFromUrls({ sites: "/data/none.json" })).rejects.toThrow(/none.json: HTTP 404/);
  });
});
