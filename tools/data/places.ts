/**
 * Facts and approximate places the generator builds on. Transcribed facts carry their source; everything
 * else here (urban centres, road alignments, rack counts) is an approximate sample assumption, labelled as such.
 */
import type { DataCentre, DistrictName, Road } from "../../src/protocol/data";

export const GEOGRAPHY_SOURCE =
  "RongTwin reference fuzhou-geography.json places_approximate (approximate, about ±1 km, WGS84 lon/lat; for a labelled sample dataset only)";
export const PLAN_SOURCE =
  "榕政办〔2023〕86号 福州市新型基础设施建设三年行动方案（2023—2025年）, issued 2023-12-27: key-indicator table and text";

/** places_approximate, transcribed. */
export const LANDMARKS: readonly { name: string; nameEn: string; lon: number; lat: number }[] = [
  { name: "三坊七巷", nameEn: "Three Lanes and Seven Alleys", lon: 119.2955, lat: 26.085 },
  { name: "东街口", nameEn: "Dongjiekou", lon: 119.3, lat: 26.087 },
  { name: "上下杭", nameEn: "Shangxiahang", lon: 119.305, lat: 26.048 },
  { name: "烟台山", nameEn: "Yantai Hill", lon: 119.3105, lat: 26.044 },
  { name: "鼓山", nameEn: "Gushan Mountain", lon: 119.385, lat: 26.065 },
  { name: "鼓岭", nameEn: "Guling", lon: 119.38, lat: 26.13 },
  { name: "福州站", nameEn: "Fuzhou Railway Station", lon: 119.318, lat: 26.116 },
  { name: "福州南站", nameEn: "Fuzhou South Railway Station", lon: 119.39, lat: 25.985 },
  { name: "福州长乐国际机场", nameEn: "Fuzhou Changle International Airport", lon: 119.663, lat: 25.935 },
  { name: "马尾", nameEn: "Mawei", lon: 119.45, lat: 25.99 },
  { name: "滨海新城", nameEn: "Binhai New City", lon: 119.6, lat: 25.87 },
  { name: "中国东南大数据产业园", nameEn: "Southeast China Big Data Industrial Park", lon: 119.58, lat: 25.905 },
  { name: "福州软件园", nameEn: "Fuzhou Software Park", lon: 119.27, lat: 26.11 },
  { name: "闽江口", nameEn: "Min River estuary", lon: 119.65, lat: 26.15 },
  { name: "江阴港", nameEn: "Jiangyin Port", lon: 119.33, lat: 25.5 },
  { name: "松下港", nameEn: "Songxia Port", lon: 119.6, lat: 25.72 },
  { name: "福清", nameEn: "Fuqing city centre", lon: 119.384, lat: 25.72 },
  { name: "平潭", nameEn: "Pingtan", lon: 119.79, lat: 25.5 },
];

export const PARK = { name: "中国东南大数据产业园", lon: 119.58, lat: 25.905, district: "长乐区" as DistrictName };
export const AIRPORT = { lon: 119.663, lat: 25.935 };

/**
 * Urban centres (sample assumption): where people, sites, chargers concentrate. sigmaKm is the spread of a
 * Gaussian around the centre, weight its share within the district.
 */
export interface UrbanCentre {
  district: DistrictName;
  name: string;
  lon: number;
  lat: number;
  sigmaKm: number;
  weight: number;
}
export const URBAN_CENTRES: readonly UrbanCentre[] = [
  { district: "鼓楼区", name: "东街口", lon: 119.3, lat: 26.087, sigmaKm: 1.6, weight: 3 },
  { district: "鼓楼区", name: "软件园", lon: 119.27, lat: 26.105, sigmaKm: 1.2, weight: 1 },
  { district: "台江区", name: "台江中心", lon: 119.313, lat: 26.062, sigmaKm: 1.3, weight: 3 },
  { district: "台江区", name: "鳌峰", lon: 119.335, lat: 26.052, sigmaKm: 1.0, weight: 1 },
  { district: "仓山区", name: "仓山中心", lon: 119.305, lat: 26.035, sigmaKm: 2.0, weight: 3 },
  { district: "仓山区", name: "金山", lon: 119.268, lat: 26.045, sigmaKm: 1.5, weight: 2 },
  { district: "仓山区", name: "城门", lon: 119.35, lat: 26.0, sigmaKm: 2.0, weight: 1 },
  { district: "晋安区", name: "晋安中心", lon: 119.33, lat: 26.095, sigmaKm: 1.8, weight: 3 },
  { district: "晋安区", name: "新店", lon: 119.3, lat: 26.135, sigmaKm: 1.5, weight: 1 },
  { district: "马尾区", name: "马尾中心", lon: 119.45, lat: 25.995, sigmaKm: 1.8, weight: 3 },
  { district: "马尾区", name: "快安", lon: 119.415, lat: 26.03, sigmaKm: 1.2, weight: 1 },
  { district: "长乐区", name: "吴航", lon: 119.52, lat: 25.962, sigmaKm: 2.0, weight: 2 },
  { district: "长乐区", name: "滨海新城", lon: 119.6, lat: 25.87, sigmaKm: 2.5, weight: 2 },
  { district: "长乐区", name: "机场", lon: 119.655, lat: 25.94, sigmaKm: 1.2, weight: 0.5 },
  { district: "福清市", name: "福清城区", lon: 119.384, lat: 25.72, sigmaKm: 2.5, weight: 3 },
  { district: "福清市", name: "江阴", lon: 119.31, lat: 25.5, sigmaKm: 2.0, weight: 1 },
  { district: "福清市", name: "龙田", lon: 119.45, lat: 25.62, sigmaKm: 2.0, weight: 0.7 },
  { district: "闽侯县", name: "上街大学城", lon: 119.2, lat: 26.06, sigmaKm: 2.0, weight: 2 },
  { district: "闽侯县", name: "甘蔗", lon: 119.13, lat: 26.15, sigmaKm: 1.8, weight: 1.5 },
  { district: "闽侯县", name: "南屿", lon: 119.2, lat: 25.985, sigmaKm: 1.8, weight: 1 },
  { district: "连江县", name: "凤城", lon: 119.54, lat: 26.2, sigmaKm: 2.0, weight: 3 },
  { district: "连江县", name: "琯头", lon: 119.58, lat: 26.14, sigmaKm: 1.5, weight: 1 },
  { district: "罗源县", name: "凤山", lon: 119.55, lat: 26.49, sigmaKm: 1.8, weight: 3 },
  { district: "闽清县", name: "梅城", lon: 118.86, lat: 26.22, sigmaKm: 1.8, weight: 3 },
  { district: "永泰县", name: "樟城", lon: 118.94, lat: 25.868, sigmaKm: 1.8, weight: 3 },
  { district: "平潭县", name: "潭城", lon: 119.79, lat: 25.5, sigmaKm: 2.5, weight: 3 },
];

/** share of a district's objects drawn around its urban centres (rest: uniform over the district's land) */
export const URBAN_SHARE: Readonly<Record<DistrictName, number>> = {
  鼓楼区: 0.9,
  台江区: 0.9,
  仓山区: 0.85,
  晋安区: 0.75,
  马尾区: 0.75,
  长乐区: 0.7,
  福清市: 0.7,
  闽侯县: 0.65,
  连江县: 0.6,
  罗源县: 0.6,
  闽清县: 0.55,
  永泰县: 0.55,
  平潭县: 0.7,
};
/** relative site density per inhabitant (urban cores carry more capacity sites per person) */
export const SITE_DENSITY_FACTOR: Readonly<Record<DistrictName, number>> = {
  鼓楼区: 1.45,
  台江区: 1.45,
  仓山区: 1.3,
  晋安区: 1.2,
  马尾区: 1.1,
  长乐区: 1.0,
  福清市: 0.85,
  闽侯县: 0.95,
  连江县: 0.8,
  罗源县: 0.8,
  闽清县: 0.8,
  永泰县: 0.85,
  平潭县: 0.9,
};

// ---------------------------------------------------------------- data centres
export interface NamedDataCentre {
  name: string;
  nameEn: string;
  kind: DataCentre["kind"];
  /** null: inside the park (jittered around PARK); else an approximate location */
  at: { lon: number; lat: number; district: DistrictName } | null;
  /** nominal racks (sample assumption) */
  racks: number;
  /** kW per rack (sample assumption) */
  kwPerRack: number;
  /** PFLOPS range, or null */
  pflops: [number, number] | null;
  /** built or expanded under the 2023–2025 plan: design PUE <= 1.3 */
  isNew: boolean;
}
/** named_facilities.data_centers of the plan (transcribed names); sizes and sites are sample assumptions. */
export const DATA_CENTRES: readonly NamedDataCentre[] = [
  {
    name: "福州市政务大数据中心",
    nameEn: "Fuzhou Government Big Data Centre",
    kind: "government",
    at: { lon: 119.292, lat: 26.079, district: "鼓楼区" },
    racks: 1500,
    kwPerRack: 6,
    pflops: null,
    isNew: false,
  },
  {
    name: "东南健康医疗大数据中心",
    nameEn: "Southeast Health and Medical Big Data Centre",
    kind: "enterprise",
    at: null,
    racks: 1800,
    kwPerRack: 6,
    pflops: null,
    isNew: false,
  },
  {
    name: "中电数据产业园",
    nameEn: "CEC Data Industrial Park",
    kind: "enterprise",
    at: null,
    racks: 4500,
    kwPerRack: 7,
    pflops: null,
    isNew: true,
  },
  {
    name: "贝瑞和康基因大数据中心",
    nameEn: "Berry Genomics Gene Big Data Centre",
    kind: "enterprise",
    at: null,
    racks: 900,
    kwPerRack: 8,
    pflops: [10, 30],
    isNew: false,
  },
  {
    name: "中国移动（福建福州）数据中心",
    nameEn: "China Mobile (Fuzhou, Fujian) Data Centre",
    kind: "carrier",
    at: null,
    racks: 9000,
    kwPerRack: 7,
    pflops: null,
    isNew: true,
  },
  {
    name: "中国电信东南信息园",
    nameEn: "China Telecom Southeast Information Park",
    kind: "carrier",
    at: null,
    racks: 7500,
    kwPerRack: 7,
    pflops: null,
    isNew: true,
  },
  {
    name: "中国联通产业互联网科技园",
    nameEn: "China Unicom Industrial Internet Technology Park",
    kind: "carrier",
    at: null,
    racks: 5000,
    kwPerRack: 7,
    pflops: null,
    isNew: true,
  },
  {
    name: "盘古天地东南区大数据中心",
    nameEn: "Pangu Tiandi Southeast Big Data Centre",
    kind: "enterprise",
    at: null,
    racks: 3000,
    kwPerRack: 6,
    pflops: null,
    isNew: false,
  },
  {
    name: "海丝卫星数据服务中心",
    nameEn: "Maritime Silk Road Satellite Data Service Centre",
    kind: "enterprise",
    at: null,
    racks: 600,
    kwPerRack: 8,
    pflops: [5, 20],
    isNew: true,
  },
  {
    name: "“海丝”大数据中心",
    nameEn: "Maritime Silk Road Big Data Centre",
    kind: "enterprise",
    at: null,
    racks: 2000,
    kwPerRack: 6,
    pflops: null,
    isNew: false,
  },
  {
    name: "福建人工智能计算中心",
    nameEn: "Fujian AI Computing Centre",
    kind: "ai-computing",
    at: null,
    racks: 1200,
    kwPerRack: 30,
    pflops: [400, 800],
    isNew: true,
  },
  {
    name: "鼓楼区智算中心",
    nameEn: "Gulou District Intelligent Computing Centre",
    kind: "ai-computing",
    at: { lon: 119.272, lat: 26.107, district: "鼓楼区" },
    racks: 400,
    kwPerRack: 25,
    pflops: [50, 150],
    isNew: true,
  },
];

// ---------------------------------------------------------------- roads
/** Approximate alignments of major roads (sample polylines, hand-traced, ±several hundred metres). */
export const ROADS: readonly Road[] = [
  {
    id: "RD-01",
    name: "二环路",
    nameEn: "2nd Ring Road",
    class: "ring",
    speedLimitKmh: 60,
    lanes: 6,
    path: [
      [119.276, 26.062],
      [119.274, 26.085],
      [119.279, 26.106],
      [119.3, 26.113],
      [119.322, 26.11],
      [119.337, 26.1],
      [119.341, 26.077],
      [119.338, 26.056],
      [119.325, 26.043],
      [119.305, 26.038],
      [119.287, 26.047],
      [119.276, 26.062],
    ],
  },
  {
    id: "RD-02",
    name: "三环路",
    nameEn: "3rd Ring Road",
    class: "ring",
    speedLimitKmh: 80,
    lanes: 6,
    path: [
      [119.247, 26.058],
      [119.249, 26.095],
      [119.258, 26.124],
      [119.29, 26.137],
      [119.33, 26.133],
      [119.358, 26.118],
      [119.368, 26.085],
      [119.365, 26.045],
      [119.35, 26.015],
      [119.32, 25.998],
      [119.285, 25.998],
      [119.258, 26.02],
      [119.247, 26.058],
    ],
  },
  {
    id: "RD-03",
    name: "福州绕城高速",
    nameEn: "Fuzhou Ring Expressway",
    class: "expressway",
    speedLimitKmh: 100,
    lanes: 6,
    path: [
      [119.17, 26.06],
      [119.185, 26.13],
      [119.225, 26.18],
      [119.3, 26.195],
      [119.38, 26.175],
      [119.435, 26.12],
      [119.46, 26.06],
      [119.455, 25.99],
      [119.42, 25.945],
      [119.36, 25.93],
      [119.28, 25.94],
      [119.215, 25.97],
      [119.17, 26.06],
    ],
  },
  {
    id: "RD-04",
    name: "八一七路",
    nameEn: "Bayiqi Road",
    class: "arterial",
    speedLimitKmh: 50,
    lanes: 4,
    path: [
      [119.297, 26.096],
      [119.299, 26.087],
      [119.3, 26.076],
      [119.302, 26.065],
      [119.304, 26.055],
      [119.306, 26.047],
      [119.308, 26.036],
    ],
  },
  {
    id: "RD-05",
    name: "五四路",
    nameEn: "Wusi Road",
    class: "arterial",
    speedLimitKmh: 50,
    lanes: 6,
    path: [
      [119.301, 26.088],
      [119.304, 26.096],
      [119.307, 26.105],
      [119.31, 26.114],
    ],
  },
  {
    id: "RD-06",
    name: "工业路",
    nameEn: "Gongye Road",
    class: "arterial",
    speedLimitKmh: 50,
    lanes: 6,
    path: [
      [119.279, 26.064],
      [119.282, 26.075],
      [119.285, 26.088],
      [119.288, 26.1],
    ],
  },
  {
    id: "RD-07",
    name: "福马路",
    nameEn: "Fuma Road",
    class: "arterial",
    speedLimitKmh: 60,
    lanes: 6,
    path: [
      [119.335, 26.083],
      [119.355, 26.074],
      [119.378, 26.058],
      [119.4, 26.04],
      [119.42, 26.022],
      [119.44, 26.005],
    ],
  },
  {
    id: "RD-08",
    name: "江滨大道",
    nameEn: "Jiangbin Avenue",
    class: "arterial",
    speedLimitKmh: 60,
    lanes: 6,
    path: [
      [119.268, 26.068],
      [119.285, 26.057],
      [119.3, 26.052],
      [119.318, 26.05],
      [119.338, 26.047],
      [119.36, 26.042],
    ],
  },
  {
    id: "RD-09",
    name: "机场高速",
    nameEn: "Airport Expressway",
    class: "expressway",
    speedLimitKmh: 100,
    lanes: 6,
    path: [
      [119.37, 26.062],
      [119.4, 26.045],
      [119.43, 26.02],
      [119.47, 25.99],
      [119.51, 25.975],
      [119.56, 25.962],
      [119.61, 25.948],
      [119.645, 25.94],
      [119.663, 25.935],
    ],
  },
  {
    id: "RD-10",
    name: "沈海高速（福厦段）",
    nameEn: "Shenhai Expressway (Fuzhou–Xiamen section)",
    class: "expressway",
    speedLimitKmh: 120,
    lanes: 8,
    path: [
      [119.3, 25.995],
      [119.31, 25.96],
      [119.33, 25.92],
      [119.35, 25.87],
      [119.36, 25.82],
      [119.37, 25.77],
      [119.38, 25.73],
      [119.39, 25.69],
    ],
  },
];

export const ROADS_NOTE =
  "Sample road alignments: approximate hand-traced polylines (±several hundred metres), not survey data.";
