/**
 * CIM building footprints for the urban core (sample): street blocks on a rotated grid per urban zone,
 * each block filled with a typical layout (residential slabs or towers, CBD towers with podiums, shopping
 * L-shapes, schools/hospitals, factories, data-centre halls, old low-rise fabric).
 */
import type { Building, BuildingUsage, DistrictName, LonLat } from "../../src/protocol/data";
import { type DistrictIndex, offset, round1, round6 } from "./geo";
import { type Rng } from "../../src/protocol/prng";

export interface Zone {
  name: string;
  district: DistrictName;
  lon: number;
  lat: number;
  /** ellipse semi-axes, metres */
  rx: number;
  ry: number;
  /** street grid rotation, degrees counter-clockwise from east */
  angleDeg: number;
  /** block pitch, metres (block + street) */
  blockM: number;
  /** CBD-like spots: lon, lat, radius m — taller towers close to them */
  cbd: readonly [number, number, number][];
  /** share of blocks that are industrial */
  industrial: number;
  /** share of blocks that are old low-rise fabric */
  oldTown: number;
  /** data-centre campus: lon, lat, radius m */
  dcCampus?: readonly [number, number, number];
}

/** Urban CIM zones (sample assumption; approximate extents). */
export const ZONES: readonly Zone[] = [
  {
    name: "鼓楼老城",
    district: "鼓楼区",
    lon: 119.293,
    lat: 26.088,
    rx: 3000,
    ry: 2700,
    angleDeg: 0,
    blockM: 180,
    cbd: [[119.303, 26.093, 700]],
    industrial: 0.02,
    oldTown: 0.3,
  },
  {
    name: "台江",
    district: "台江区",
    lon: 119.318,
    lat: 26.058,
    rx: 2800,
    ry: 1700,
    angleDeg: -8,
    blockM: 170,
    cbd: [
      [119.336, 26.053, 650],
      [119.306, 26.058, 400],
    ],
    industrial: 0.02,
    oldTown: 0.3,
  },
  {
    name: "仓山",
    district: "仓山区",
    lon: 119.295,
    lat: 26.028,
    rx: 4800,
    ry: 3600,
    angleDeg: 12,
    blockM: 220,
    cbd: [
      [119.277, 26.044, 600],
      [119.33, 26.035, 500],
    ],
    industrial: 0.06,
    oldTown: 0.08,
  },
  {
    name: "晋安",
    district: "晋安区",
    lon: 119.332,
    lat: 26.098,
    rx: 2600,
    ry: 3000,
    angleDeg: 5,
    blockM: 200,
    cbd: [[119.338, 26.09, 700]],
    industrial: 0.05,
    oldTown: 0.05,
  },
  {
    name: "马尾",
    district: "马尾区",
    lon: 119.445,
    lat: 25.998,
    rx: 2600,
    ry: 2200,
    angleDeg: 30,
    blockM: 220,
    cbd: [[119.452, 25.99, 450]],
    industrial: 0.35,
    oldTown: 0.05,
  },
  {
    name: "东南大数据产业园",
    district: "长乐区",
    lon: 119.58,
    lat: 25.905,
    rx: 1300,
    ry: 1000,
    angleDeg: 35,
    blockM: 250,
    cbd: [],
    industrial: 0,
    oldTown: 0,
    dcCampus: [119.58, 25.905, 1400],
  },
  {
    name: "滨海新城",
    district: "长乐区",
    lon: 119.6,
    lat: 25.878,
    rx: 3400,
    ry: 3000,
    angleDeg: 35,
    blockM: 250,
    cbd: [[119.607, 25.872, 700]],
    industrial: 0.12,
    oldTown: 0,
  },
];

export interface BuildingOptions {
  /** 1 = full density; smaller keeps that share of blocks (tests) */
  scale: number;
  /** minimum distance of every vertex from the derived river centre lines, metres */
  riverClearM: number;
}

type XY = [number, number];
interface Draft {
  usage: BuildingUsage;
  floors: number;
  /** footprint in block-local metres, CCW */
  shape: XY[];
}

const rect = (x: number, y: number, w: number, d: number): XY[] => [
  [x, y],
  [x + w, y],
  [x + w, y + d],
  [x, y + d],
];
const lShape = (x: number, y: number, w: number, d: number, w1: number, d1: number): XY[] => [
  [x, y],
  [x + w, y],
  [x + w, y + d1],
  [x + w1, y + d1],
  [x + w1, y + d],
  [x, y + d],
];

function fillBlock(rng: Rng, kind: string, s: number, tall: number): Draft[] {
  const out: Draft[] = [];
  const margin = 8;
  const inner = s - 2 * margin;
  switch (kind) {
    case "slabs": {
      const L = rng.range(32, 60),
        D = rng.range(12, 16),
        gapX = rng.range(10, 18);
      const floors = rng.int(8, 18) + Math.round(tall * 10);
      const pitch = Math.max(D + 18, floors * 3.2 * 0.7);
      for (let y = margin; y + D <= s - margin; y += pitch)
        for (let x = margin; x + L <= s - margin; x += L + gapX)
          if (rng.chance(0.9))
            out.push({ usage: "residential", floors: Math.min(34, floors + rng.int(-2, 2)), shape: rect(x, y, L, D) });
      break;
    }
    case "towers": {
      const W = rng.range(18, 26),
        pitch = rng.range(42, 55);
      for (let y = margin; y + W <= s - margin; y += pitch)
        for (let x = margin; x + W <= s - margin; x += pitch)
          if (rng.chance(0.85))
            out.push({
              usage: "residential",
              floors: Math.min(40, rng.int(24, 33) + Math.round(tall * 6)),
              shape: rect(x, y, W, W),
            });
      break;
    }
    case "cbd": {
      const n = rng.int(1, 3);
      const pw = inner,
        pd = rng.range(0.35, 0.5) * inner;
      out.push({
        usage: "commercial",
        floors: rng.int(3, 6),
        shape: lShape(margin, margin, pw, pd + 20, pw * 0.45, pd),
      });
      for (let i = 0; i < n; i++) {
        const W = rng.range(26, 42);
        const x = margin + (i + 0.5) * (inner / n) - W / 2;
        const y = margin + pd + 28 + rng.range(0, Math.max(0, inner - pd - 28 - W));
        if (y + W > s - margin) continue;
        const floors = Math.round(20 + tall * 40 * rng.range(0.6, 1));
        out.push({ usage: "office", floors: Math.max(12, Math.min(60, floors)), shape: rect(x, y, W, W) });
      }
      break;
    }
    case "commercial": {
      const w = rng.range(0.6, 0.9) * inner,
        d = rng.range(0.5, 0.8) * inner;
      out.push({
        usage: "commercial",
        floors: rng.int(3, 8),
        shape: lShape(margin, margin, w, d, w * rng.range(0.4, 0.6), d * rng.range(0.4, 0.6)),
      });
      if (rng.chance(0.5)) {
        const W = rng.range(22, 30);
        out.push({
          usage: "office",
          floors: rng.int(12, 28) + Math.round(tall * 10),
          shape: rect(s - margin - W, s - margin - W, W, W),
        });
      }
      break;
    }
    case "public": {
      const n = rng.int(1, 3);
      for (let i = 0; i < n; i++) {
        const w = rng.range(35, 70),
          d = rng.range(16, 28);
        const y = margin + i * (inner / n);
        if (y + d > s - margin) continue;
        out.push({
          usage: "public",
          floors: rng.int(3, 10),
          shape: rect(margin + rng.range(0, Math.max(0, inner - w)), y, w, d),
        });
      }
      break;
    }
    case "industrial": {
      const w = rng.range(50, 110),
        d = rng.range(25, 55),
        gap = rng.range(12, 25);
      for (let y = margin; y + d <= s - margin; y += d + gap)
        for (let x = margin; x + w <= s - margin; x += w + gap)
          if (rng.chance(0.85)) out.push({ usage: "industrial", floors: rng.int(2, 5), shape: rect(x, y, w, d) });
      if (out.length === 0)
        out.push({ usage: "industrial", floors: rng.int(2, 4), shape: rect(margin, margin, inner * 0.8, inner * 0.5) });
      break;
    }
    case "datacentre": {
      const w = rng.range(70, 100),
        d = rng.range(32, 45),
        gap = rng.range(18, 26);
      for (let y = margin; y + d <= s - margin; y += d + gap)
        for (let x = margin; x + w <= s - margin; x += w + gap)
          out.push({
            usage: rng.chance(0.8) ? "datacentre" : "office",
            floors: rng.int(3, 6),
            shape: rect(x, y, w, d),
          });
      break;
    }
    case "old": {
      const pitch = rng.range(20, 26);
      for (let y = margin; y + 14 <= s - margin; y += pitch)
        for (let x = margin; x + 14 <= s - margin; x += pitch)
          if (rng.chance(0.8)) {
            const w = rng.range(10, pitch - 5),
              d = rng.range(10, pitch - 5);
            out.push({
              usage: rng.chance(0.8) ? "residential" : "commercial",
              floors: rng.int(2, 7),
              shape: rect(x, y, w, d),
            });
          }
      break;
    }
  }
  return out;
}

/** Generate footprints for every zone. Ids are assigned by the caller in the returned order. */
export function generateBuildings(rng: Rng, index: DistrictIndex, opts: BuildingOptions): Omit<Building, "id">[] {
  const result: Omit<Building, "id">[] = [];
  const campuses = ZONES.flatMap((z) => (z.dcCampus ? [z.dcCampus] : []));
  for (const z of ZONES) {
    const zr = rng.fork(`zone:${z.name}`);
    const a = (z.angleDeg * Math.PI) / 180;
    const ca = Math.cos(a),
      sa = Math.sin(a);
    const toLonLat = (x: number, y: number): LonLat => {
      const e = x * ca - y * sa,
        n = x * sa + y * ca;
      const [lon, lat] = offset(z.lon, z.lat, e, n);
      return [round6(lon), round6(lat)];
    };
    const street = z.blockM > 200 ? 30 : 22;
    const s = z.blockM - street;
    const R = Math.max(z.rx, z.ry) * 1.5;
    const nMax = Math.ceil(R / z.blockM);
    for (let j = -nMax; j <= nMax; j++) {
      for (let i = -nMax; i <= nMax; i++) {
        const bx = i * z.blockM,
          by = j * z.blockM; // block origin (lower-left), zone-local rotated frame
        const cx = bx + s / 2,
          cy = by + s / 2;
        const e = cx * ca - cy * sa,
          n = cx * sa + cy * ca;
        const r2 = (e / z.rx) ** 2 + (n / z.ry) ** 2;
        // draw everything for the block first, so `scale` and rejections do not shift other blocks' numbers
        const br = zr.fork(`block:${i},${j}`);
        const keep = br.next();
        if (r2 > 1) continue;
        if (keep > (0.97 - 0.45 * r2) * opts.scale) continue;
        const [clon, clat] = toLonLat(cx, cy);
        let tall = 0,
          cbd = false;
        for (const [x, y, rad] of z.cbd) {
          const d = Math.hypot((clon - x) * 100000 * Math.cos((clat * Math.PI) / 180), (clat - y) * 111000);
          if (d < rad) cbd = true;
          tall = Math.max(tall, Math.max(0, 1 - d / (rad * 2.5)));
        }
        // blocks of a campus zone belong to it alone
        if (
          !z.dcCampus &&
          campuses.some(([x, y, rad]) => Math.hypot((clon - x) * 100000, (clat - y) * 111000) < rad + z.blockM)
        )
          continue;
        let kind: string;
        const dc = z.dcCampus;
        const inCampus = dc ? Math.hypot((clon - dc[0]) * 100000, (clat - dc[1]) * 111000) < dc[2] : false;
        if (inCampus) kind = br.chance(0.75) ? "datacentre" : "industrial";
        else if (cbd && br.chance(0.75)) kind = "cbd";
        else {
          const u = br.next();
          const old = z.oldTown * (1 - tall);
          if (u < z.industrial) kind = "industrial";
          else if (u < z.industrial + old) kind = "old";
          else kind = br.weighted(["slabs", "towers", "commercial", "public"], [50, 22 + tall * 20, 14 + tall * 20, 8]);
        }
        const jitter = br.range(-3, 3) * (Math.PI / 180);
        const cj = Math.cos(jitter),
          sj = Math.sin(jitter);
        for (const d of fillBlock(br, kind, s, tall)) {
          const ring = d.shape.map(([x, y]) => {
            const lx = x - s / 2,
              ly = y - s / 2; // rotate about the block centre by the jitter
            return toLonLat(cx + lx * cj - ly * sj, cy + lx * sj + ly * cj);
          });
          if (!ring.every(([x, y]) => index.onLand(z.district, x, y, opts.riverClearM))) continue;
          const floors = Math.max(2, Math.min(60, d.floors));
          result.push({
            district: z.district,
            usage: d.usage,
            floors,
            heightM: round1(floors * 3.2 * br.range(0.97, 1.04)),
            footprint: ring,
          });
        }
      }
    }
  }
  return result;
}
