import { describe, expect, it } from "vitest";
import { CENSUS_2020_TOTAL, districtPopulation2020, sitesTrajectory } from "./population";

describe("population behind per-10k figures", () => {
  it("scales the 2018 estimates to the 2020 census total exactly", () => {
    const p = districtPopulation2020();
    expect(Object.values(p).reduce((a, b) => a + b, 0)).toBe(CENSUS_2020_TOTAL);
    // 鼓楼区: 740,000 × 8,291,268 / 7,740,000 = 792,705.0 -> 792,705 (±1 from the remainder)
    expect(Math.abs(p["鼓楼区"] - 792705)).toBeLessThanOrEqual(1);
  });

  it("counts sites by year end: 2 by 2022, 3 by 2023, 4 by 2024 of 1,000 people", () => {
    const t = sitesTrajectory(
      ["2021-05-01", "2022-12-31", "2023-01-01", "2024-06-30", "2025-01-01"],
      [2022, 2023, 2024],
      1000,
    );
    expect(t.map((x) => x.sites)).toEqual([2, 3, 4]);
    expect(t[0].per10k).toBeCloseTo(20, 10);
  });
});
