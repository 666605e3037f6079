/**
 * The Matsu (马祖) island groups, [west, south, east, north] degrees, generous boxes around 南竿, 北竿, 东引 and
 * 莒光 (approximate public coordinates; nothing of the mainland lies inside them). The district package draws them
 * inside 连江县/长乐区, but they are administered from Taiwan and none of the plan's infrastructure is built there:
 * the generator places nothing on them and the kiosk's camera fence does not count them as Fuzhou's land.
 */
export const MATSU_BOXES: readonly { name: string; bbox: [number, number, number, number] }[] = [
  { name: "南竿", bbox: [119.88, 26.12, 119.99, 26.19] },
  { name: "北竿", bbox: [119.95, 26.19, 120.06, 26.26] },
  { name: "东引", bbox: [120.46, 26.34, 120.53, 26.4] },
  { name: "莒光", bbox: [119.9, 25.93, 120.0, 26.0] },
];

export const inMatsu = (x: number, y: number): boolean =>
  MATSU_BOXES.some(({ bbox: b }) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]);
