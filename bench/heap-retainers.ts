/**
 * What keeps a detached element alive after scene rebuilds: the command wall is loaded, N WebGL context losses are
 * forced (each rebuilds the scene), then a heap snapshot is taken over the DevTools protocol and, for every detached
 * node whose name matches the pattern, the shortest retaining path from a GC root is printed (edge names and node
 * names; with an unminified build the closures and classes are named).
 *
 *   npx vite build --outDir .tmp/dist-diag --minify false
 *   npx tsx bench/heap-retainers.ts [rebuilds=2] [pattern=HTMLCanvasElement]   (env STATIC_DIR, PORT)
 *
 * LIST=1 prints every node whose name matches instead (count them after 0 and after N rebuilds to see what grows).
 *
 * Not part of npm test.
 */
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions, freePort, startGateway } from "../src/testing";
import { collectGarbage, forceRebuild, openWall } from "./lib/wall-page";

const rebuilds = Number(process.argv[2] ?? 2);
const pattern = new RegExp(process.argv[3] ?? "HTMLCanvasElement");
const staticDir = process.env.STATIC_DIR ?? ".tmp/dist-diag";
process.on("SIGINT", () => process.exit(130));

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** the snapshot as arrays: node i's name, type, detachedness and its outgoing edges */
class Heap {
  readonly nodeCount: number;
  private readonly nf: number;
  private readonly firstEdge: Int32Array;
  /** for each node, the edges that point at it: [from node, edge index] */
  private readonly into: Map<number, [number, number][]> = new Map();

  constructor(private readonly s: HeapSnapshot) {
    const m = s.snapshot.meta;
    this.nf = m.node_fields.length;
    this.nodeCount = s.nodes.length / this.nf;
    this.firstEdge = new Int32Array(this.nodeCount + 1);
    const ec = m.node_fields.indexOf("edge_count");
    const ef = m.edge_fields.length;
    const to = m.edge_fields.indexOf("to_node");
    for (let i = 0, e = 0; i < this.nodeCount; i++) {
      this.firstEdge[i] = e;
      e += s.nodes[i * this.nf + ec] * ef;
      this.firstEdge[i + 1] = e;
    }
    for (let i = 0; i < this.nodeCount; i++)
      for (let e = this.firstEdge[i]; e < this.firstEdge[i + 1]; e += ef) {
        const t = s.edges[e + to] / this.nf;
        const list = this.into.get(t);
        if (list) list.push([i, e]);
        else this.into.set(t, [[i, e]]);
      }
  }

  field(i: number, f: string): number {
    return this.s.nodes[i * this.nf + this.s.snapshot.meta.node_fields.indexOf(f)];
  }

  name(i: number): string {
    const type = this.s.snapshot.meta.node_types[0][this.field(i, "type")];
    return `${type}:${this.s.strings[this.field(i, "name")].slice(0, 80)}`;
  }

  detached(i: number): boolean {
    return this.s.snapshot.meta.node_fields.includes("detachedness") && this.field(i, "detachedness") === 2;
  }

  edgeName(e: number): string {
    const m = this.s.snapshot.meta;
    const type = m.edge_types[0][this.s.edges[e + m.edge_fields.indexOf("type")]];
    const n = this.s.edges[e + m.edge_fields.indexOf("name_or_index")];
    return type === "element" || type === "hidden" ? `[${n}]` : `${type}:${this.s.strings[n]}`;
  }

  weak(e: number): boolean {
    const m = this.s.snapshot.meta;
    return m.edge_types[0][this.s.edges[e + m.edge_fields.indexOf("type")]] === "weak";
  }

  /** the shortest strong path from the snapshot's root (node 0) to `target`, by a backwards search */
  pathTo(target: number): string[] | null {
    const prev = new Map<number, [number, number]>();
    const queue = [target];
    const seen = new Set([target]);
    while (queue.length) {
      const n = queue.shift()!;
      if (n === 0) {
        const out: string[] = [];
        for (let c = 0; c !== target;) {
          const [next, e] = prev.get(c)!;
          out.push(`${this.edgeName(e)} -> ${this.name(next)}`);
          c = next;
        }
        return out;
      }
      for (const [from, e] of this.into.get(n) ?? []) {
        if (seen.has(from) || this.weak(e)) continue;
        seen.add(from);
        // walking backwards: prev maps the node nearer the root to the edge towards the target
        prev.set(from, [n, e]);
        queue.push(from);
      }
    }
    return null;
  }
}

const gw = await startGateway({
  port: Number(process.env.PORT ?? (await freePort())),
  readyTimeoutMs: 90_000,
  env: { STATIC_DIR: staticDir, SIM_SPEED: "600", SIM_SEED: "5", SCENARIO_DB: "var/heap-retainers.db" },
});
const browser = await chromium.launch(chromiumLaunchOptions(true));
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
const cdp = await page.context().newCDPSession(page);
await openWall(page, `${gw.url}/?mode=command&dwell=5&idle=20`);
for (let i = 1; i <= rebuilds; i++) await forceRebuild(page);
await collectGarbage(cdp);
const chunks: string[] = [];
cdp.on("HeapProfiler.addHeapSnapshotChunk", (p: { chunk: string }) => chunks.push(p.chunk));
await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
const heap = new Heap(JSON.parse(chunks.join("")) as HeapSnapshot);
let shown = 0;
for (let i = 0; i < heap.nodeCount && shown < 6; i++) {
  if (!pattern.test(heap.name(i))) continue;
  if (process.env.LIST) {
    console.log(heap.name(i), heap.field(i, "detachedness"), heap.field(i, "self_size"));
    continue;
  }
  if (!(heap.detached(i) || heap.name(i).includes("Detached"))) continue;
  console.log(`\n${heap.name(i)}${heap.detached(i) ? " (detached)" : ""}`);
  const path = heap.pathTo(i);
  console.log(path ? path.map((l) => `  ${l}`).join("\n") : "  no strong path from the root");
  shown++;
}
if (!shown && !process.env.LIST) console.log(`no detached node named ${pattern} is alive`);
await browser.close();
await gw.stop();
process.exit(0);
