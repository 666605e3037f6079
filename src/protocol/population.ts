/**
 * The population behind every "per 10,000 people" figure, named and dated. The city total is the 2020 census
 * (8,291,268). District figures of that census were not found in the public sources used here, so each
 * district's official 2018-12-31 estimate is scaled by 8,291,268 / 7,740,000 (the estimates' sum), rounded with
 * the largest remainder so the districts add up to the census total exactly. Source: citypopulation.de, Fujian
 * administrative divisions (2018 estimates) and Fujian prefectures (2020 census).
 */
import type { DistrictName } from "./data";

export const CENSUS_2020_TOTAL = 8291268;
export const ESTIMATES_2018: Readonly<Record<DistrictName, number>> = {
  鼓楼区: 740000,
  台江区: 486000,
  仓山区: 836000,
  晋安区: 877000,
  马尾区: 262000,
  长乐区: 739000,
  福清市: 1316000,
  闽侯县: 725000,
  连江县: 593000,
  罗源县: 212000,
  闽清县: 240000,
  永泰县: 254000,
  平潭县: 460000,
};
export const POPULATION_SOURCE = {
  zh: "人口：2020年第七次人口普查全市8,291,268人；各区县按2018年末官方估算等比例折算至普查总数（来源 citypopulation.de）",
  en: "Population: 2020 census, 8,291,268 city-wide; districts = official 2018 year-end estimates scaled to the census total (source: citypopulation.de)",
} as const;

/** District populations consistent with the 2020 census total (see the module note for the method). */
export function districtPopulation2020(): Record<DistrictName, number> {
  const names = Object.keys(ESTIMATES_2018) as DistrictName[];
  const sum = names.reduce((a, d) => a + ESTIMATES_2018[d], 0);
  const raw = names.map((d) => (ESTIMATES_2018[d] * CENSUS_2020_TOTAL) / sum);
  const out = raw.map(Math.floor);
  let rest = CENSUS_2020_TOTAL - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; rest > 0; k++, rest--) out[order[k][1]]++;
  return Object.fromEntries(names.map((d, i) => [d, out[i]])) as Record<DistrictName, number>;
}

export interface TrajectoryPoint {
  year: number;
  /** sites commissioned on or before 31 December of `year` */
  sites: number;
  per10k: number;
}

/** 5G sites per 10,000 people at each year's end, from the sites' commissioning dates (ISO yyyy-mm-dd). */
export function sitesTrajectory(
  commissioned: Iterable<string>,
  years: readonly number[] = [2022, 2023, 2024],
  population = CENSUS_2020_TOTAL,
): TrajectoryPoint[] {
  const counts = years.map(() => 0);
  for (const day of commissioned) {
    const y = Number(day.slice(0, 4));
    years.forEach((yy, i) => {
      if (y <= yy) counts[i]++;
    });
  }
  return years.map((year, i) => ({ year, sites: counts[i], per10k: (counts[i] / population) * 1e4 }));
}
