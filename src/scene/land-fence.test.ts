/** The kiosk's fence on the real district outlines: inside stays, out at sea is pulled back to the near coast. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DistrictsFile } from "../protocol/data";
import { haversineM } from "../planner/geo";
import { LandFence } from "./land-fence";

const districts = DistrictsFile.parse(JSON.parse(readFileSync("public/data/districts.geojson", "utf8")));
const fence = LandFence.ofDistricts(districts, 4000);

describe("LandFence over Fuzhou's districts", () => {
  it("keeps targets over the city as they are", () => {
    for (const [lon, lat] of [
      [119.2965, 26.0745], // 鼓楼 / 五一广场
      [119.55, 25.95], // 长乐
      [119.79, 25.5], // 平潭
      [118.87, 25.86], // 永泰
    ] as const) {
      expect(fence.contains(lon, lat), `${lon},${lat}`).toBe(true);
      expect(fence.clamp(lon, lat)).toEqual([lon, lat]);
    }
  });

  it("pulls a target out at sea (120.4°E) back to within the near-coast band", () => {
    expect(fence.contains(120.4, 25.7)).toBe(false);
    expect(fence.distanceM(120.4, 25.7)).toBeGreaterThan(20_000);
    const [lon, lat] = fence.clamp(120.4, 25.7);
    expect(fence.contains(lon, lat)).toBe(true);
    const d = fence.distanceM(lon, lat);
    expect(d).toBeGreaterThan(3000);
    expect(d).toBeLessThanOrEqual(4000);
    // the nearest coast, not some other district: it stays east, on the line towards the sea point
    expect(lon).toBeGreaterThan(119.75);
    expect(Math.abs(haversineM(lon, lat, 120.4, 25.7) - (fence.distanceM(120.4, 25.7) - d))).toBeLessThan(300);
  });

  it("a narrower band for a close view: the same sea point comes back to within 300 m of the coast", () => {
    const [lon, lat] = fence.clamp(120.4, 25.7, 300);
    const d = fence.distanceM(lon, lat);
    expect(d).toBeGreaterThan(200);
    expect(d).toBeLessThanOrEqual(300);
  });

  it("does not count the Matsu islands (drawn inside 连江) as Fuzhou", () => {
    expect(fence.contains(120.5, 26.37)).toBe(false); // 东引
    expect(fence.contains(120.01, 26.225)).toBe(fence.distanceM(120.01, 26.225) <= 4000); // 北竿, by the coast
    expect(fence.distanceM(120.5, 26.37)).toBeGreaterThan(20_000);
  });

  it("a drag of 15 steps east, fenced after each, ends near the coast, never at sea", () => {
    let [lon, lat] = [119.2965, 26.0745];
    for (let i = 0; i < 15; i++) {
      [lon, lat] = fence.clamp(lon + 0.08, lat);
      expect(fence.contains(lon, lat), `step ${i}: ${lon.toFixed(3)}`).toBe(true);
    }
    expect(lon).toBeLessThan(119.95);
    expect(fence.distanceM(lon, lat)).toBeLessThanOrEqual(4000);
  });

  it("also fences inland: far west of 永泰 comes back to the district edge", () => {
    const [lon, lat] = fence.clamp(117.6, 25.9);
    expect(fence.distanceM(lon, lat)).toBeLessThanOrEqual(4000);
    expect(lon).toBeGreaterThan(118.2);
  });
});
