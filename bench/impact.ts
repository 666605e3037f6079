/**
 * Outage impact benchmark (not a timed test): `npx tsx bench/impact.ts [--trials=20] [--storm=200] [--storms=5]`
 * Loads the real public/data (30k sites, buildings, districts), builds the city-wide impact engine (the code the
 * coverage worker runs for the wall), then times:
 *  - one site down (a random site each trial, from a quiet city; then back up), p50/p95 against the 1 s goal;
 *  - a storm of `--storm` random sites down at once, p50/p95 against the 5 s goal.
 * Baseline from the same run: the same down set evaluated from scratch (`recomputeFull`: no caches, no incremental
 * bookkeeping) on a fresh engine; the ratio incremental / full is printed (and the two results must agree).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { BuildingsFile, DistrictsFile, SitesFile, parseDataFile } from "../src/protocol/data";
import { Rng } from "../src/protocol/prng";
import { OutageImpact, type ImpactInit } from "../src/planner/outage-impact";

const GOAL_ONE_MS = 1000;
const GOAL_STORM_MS = 5000;
const arg = (name: string, def: number) => {
  const v = process.argv.find((a) => a.startsWith(`--${name}=`));
  return v ? Number(v.slice(name.length + 3)) : def;
};
const trials = arg("trials", 20),
  stormSize = arg("storm", 200),
  storms = arg("storms", 5);

const dir = resolve(import.meta.dirname ?? ".", "../public/data");
const files = ["sites.json", "buildings.json", "districts.geojson"].map((f) => resolve(dir, f));
if (files.some((f) => !existsSync(f))) {
  console.log("bench/impact: skipped — data not generated yet. Run `npm run data` first.");
  process.exit(0);
}
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")) as unknown;
const init: ImpactInit = {
  sites: parseDataFile(SitesFile, read(files[0]), "sites.json").items,
  buildings: parseDataFile(BuildingsFile, read(files[1]), "buildings.json").items,
  districts: parseDataFile(DistrictsFile, read(files[2]), "districts.geojson").features.map((f) => ({
    name: f.properties.name,
    geometry: f.geometry,
    population: f.properties.population,
  })),
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const f0 = (v: number) => v.toFixed(0);

let t = performance.now();
const imp = new OutageImpact(init);
const g = imp.lattice();
const heapMb = process.memoryUsage().heapUsed / 1e6;
console.log(
  `bench/impact: ${init.sites.length} sites, lattice ${g.nx} × ${g.ny} = ${((g.nx * g.ny) / 1e6).toFixed(1)} M cells of ${g.cellSizeM} m; ` +
    `init ${f0(performance.now() - t)} ms, heap ${f0(heapMb)} MB`,
);

const rng = new Rng(7);
const rnd = () => rng.next();
const pick = (n: number) => {
  const set = new Set<string>();
  while (set.size < n) set.add(init.sites[Math.floor(rnd() * init.sites.length)].id);
  return [...set];
};

function run(label: string, n: number, count: number, goal: number): void {
  const inc: number[] = [],
    full: number[] = [],
    people: number[] = [];
  for (let k = 0; k < count; k++) {
    const down = pick(n);
    t = performance.now();
    const { result } = imp.setDown(down);
    inc.push(performance.now() - t);
    people.push(result.people);
    // baseline: the same set evaluated from scratch (no caches, no incremental bookkeeping)
    t = performance.now();
    const ref = imp.recomputeFull();
    full.push(performance.now() - t);
    if (ref.size !== result.cells) throw new Error(`${label}: incremental ${result.cells} cells ≠ full ${ref.size}`);
    imp.setDown([]);
  }
  const p95 = pct(inc, 95);
  console.log(
    `${label}: worker time p50 ${f0(pct(inc, 50))} ms, p95 ${f0(p95)} ms (goal < ${goal} ms: ${p95 < goal ? "met" : "NOT met"}); ` +
      `full recompute p95 ${f0(pct(full, 95))} ms, ratio incremental/full ${(pct(inc, 50) / pct(full, 50)).toFixed(2)}; ` +
      `people lost p50 ${f0(pct(people, 50))}, max ${f0(Math.max(...people))} (${count} trials)`,
  );
}

run("one site down", 1, trials, GOAL_ONE_MS);
run(`storm of ${stormSize}`, stormSize, storms, GOAL_STORM_MS);

// one more site during a storm: the incremental case the engine is built for
{
  const storm = pick(stormSize);
  imp.setDown(storm);
  const inc: number[] = [],
    full: number[] = [];
  for (let k = 0; k < trials; k++) {
    const extra = pick(1).filter((id) => !storm.includes(id));
    t = performance.now();
    const { result } = imp.setDown([...storm, ...extra]);
    inc.push(performance.now() - t);
    t = performance.now();
    const ref = imp.recomputeFull();
    full.push(performance.now() - t);
    if (ref.size !== result.cells) throw new Error(`storm + 1: incremental ${result.cells} cells ≠ full ${ref.size}`);
    imp.setDown(storm);
  }
  console.log(
    `one more site during a storm of ${stormSize}: worker time p50 ${f0(pct(inc, 50))} ms, p95 ${f0(pct(inc, 95))} ms; ` +
      `full recompute p50 ${f0(pct(full, 50))} ms; ratio incremental/full ${(pct(inc, 50) / pct(full, 50)).toFixed(3)} (${trials} trials)`,
  );
}
