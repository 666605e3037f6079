/**
 * The kiosk's guided story: one chapter per theme of the plan, each with a camera view, the layers it is about,
 * bilingual captions and the plan's own figures.
 *
 * Figures transcribed from /work/shared/reference/fuzhou-plan-targets.json, whose source is
 * 榕政办〔2023〕86号《福州市新型基础设施建设三年行动方案（2023—2025年）》(issued 2023-12-27), key-indicator table
 * and text. The app never reads that file at run time; these constants are the transcription.
 */
import type { CameraView } from "../../config/schema";
import type { LayerId } from "../../protocol/data";

export const PLAN_SOURCE = {
  zh: "榕政办〔2023〕86号《福州市新型基础设施建设三年行动方案（2023—2025年）》",
  en: "Fuzhou New Infrastructure Three-Year Action Plan 2023-2025 (Rongzhengban [2023] No. 86)",
} as const;

export interface Bilingual {
  zh: string;
  en: string;
}

export interface Figure {
  value: string;
  unit: Bilingual;
  label: Bilingual;
}

/** A live figure computed from the current live state (or "—" when there is none). */
export type LiveFigureId = "siteLoad" | "dcPue" | "charging" | "speed" | "online";

export interface Chapter {
  id: "networks" | "computing" | "charging" | "traffic" | "city";
  title: Bilingual;
  /** button label */
  short: Bilingual;
  caption: Bilingual;
  /** layers shown while the chapter plays; the others are hidden */
  layers: readonly LayerId[];
  buildings: boolean;
  view: CameraView;
  figures: readonly Figure[];
  live: LiveFigureId;
}

const view = (id: string, lon: number, lat: number, range: number, heading: number, pitch: number): CameraView => ({
  id,
  name_zh: id,
  name_en: id,
  lon,
  lat,
  range,
  heading,
  pitch,
  dwellS: 20,
});
const u = (zh: string, en: string): Bilingual => ({ zh, en });

export const CHAPTERS: readonly Chapter[] = [
  {
    id: "networks",
    title: u("5G与千兆光网", "5G and gigabit optical networks"),
    short: u("5G与光网", "Networks"),
    caption: u(
      "到2025年全市建成5G基站3万个，主城区1毫秒、全市2毫秒、福州都市圈5毫秒时延圈。",
      "30,000 5G base stations city-wide by 2025; latency rings of 1 ms in the main urban area, 2 ms city-wide and 5 ms across the metropolitan area.",
    ),
    layers: ["sites"],
    buildings: true,
    view: view("networks", 119.31, 26.07, 30000, 0, -50),
    figures: [
      { value: "30,000", unit: u("个", ""), label: u("5G基站（2025）", "5G base stations (2025)") },
      {
        value: "35",
        unit: u("个/万人", "per 10k people"),
        label: u("每万人5G基站（2022年18.6）", "5G sites per 10k people (18.6 in 2022)"),
      },
      {
        value: "35%",
        unit: u("", ""),
        label: u("千兆宽带用户占比（2022年8.7%）", "Gigabit broadband share (8.7% in 2022)"),
      },
      { value: "18", unit: u("万个", "×10k"), label: u("10G-PON及以上端口", "10G-PON and faster ports") },
    ],
    live: "siteLoad",
  },
  {
    id: "computing",
    title: u("数据中心与人工智能计算中心", "Data centres and the AI Computing Center"),
    short: u("数据与算力", "Computing"),
    caption: u(
      "全市标准机架达7万个，PUE普遍不超过1.5、新建不超过1.3；福建人工智能计算中心2024年底达400P（FP16），2025年全市形成800P算力供给规模。",
      "70,000 standard racks; PUE generally at most 1.5 and at most 1.3 for new builds; the Fujian AI Computing Center reaches 400 PFLOPS (FP16) by end-2024, and the city as a whole 800 PFLOPS of supply in 2025.",
    ),
    layers: ["datacentres"],
    buildings: true,
    view: view("computing", 119.581, 25.906, 5200, 15, -42),
    figures: [
      { value: "70,000", unit: u("个", ""), label: u("标准机架", "Standard racks") },
      {
        value: "400",
        unit: u("P", "PFLOPS"),
        label: u("福建人工智能计算中心（2024年底，FP16）", "Fujian AI Computing Center (end-2024, FP16)"),
      },
      { value: "800", unit: u("P", "PFLOPS"), label: u("全市算力供给（2025）", "City-wide compute supply (2025)") },
      {
        value: "40% · 80%",
        unit: u("", ""),
        label: u(
          "高性能算力占比：规划数据中心部分写40%，人工智能部分写80%",
          "High-performance compute share: the plan says 40% (data centres) and 80% (AI section)",
        ),
      },
    ],
    live: "dcPue",
  },
  {
    id: "charging",
    title: u("光储充检超充网络", "Solar + storage super-charging"),
    short: u("超充网络", "Charging"),
    caption: u(
      "到2025年建设100座“光储充检”超充站：光伏发电、储能调峰、超级快充与车辆检测一站完成。",
      "100 solar + storage + charging + inspection super-charging stations by 2025: solar roofs, battery buffering, ultra-fast charging and vehicle checks in one stop.",
    ),
    layers: ["chargers"],
    buildings: true,
    view: view("charging", 119.3, 26.06, 24000, -10, -55),
    figures: [
      { value: "100", unit: u("座", "stations"), label: u("光储充检超充站（2025）", "Super-charging stations (2025)") },
    ],
    live: "charging",
  },
  {
    id: "traffic",
    title: u("智慧交通感知", "Smart traffic sensing"),
    short: u("智慧交通", "Traffic"),
    caption: u(
      "建成福州综合交通运行监测调度中心、4个系统，部署15套智能视频分析摄像机。",
      "One integrated traffic operations centre, four systems and 15 AI video-analytics cameras.",
    ),
    layers: ["sensors"],
    buildings: true,
    view: view("traffic", 119.31, 26.05, 20000, 20, -50),
    figures: [
      { value: "1", unit: u("个", ""), label: u("交通运行监测调度中心", "Traffic operations centre") },
      { value: "4", unit: u("个", ""), label: u("系统", "Systems") },
      { value: "15", unit: u("套", ""), label: u("智能视频分析摄像机", "AI video-analytics cameras") },
    ],
    live: "speed",
  },
  {
    id: "city",
    title: u("数字福州全景", "The whole digital city"),
    short: u("城市全景", "Whole city"),
    caption: u(
      "网络、算力、充电与交通设施一张图：5G用户普及率2025年达73%，打造20个“5G+智慧城市”示范应用。",
      "Networks, computing, charging and traffic on one map: 5G user penetration 73% by 2025 and 20 showcase 5G + smart-city applications.",
    ),
    layers: ["sites", "datacentres", "chargers", "sensors"],
    buildings: true,
    view: view("city", 119.3, 25.98, 150000, 0, -70),
    figures: [
      { value: "73%", unit: u("", ""), label: u("5G用户普及率（2025）", "5G user penetration (2025)") },
      {
        value: "63.4",
        unit: u("Tbps", "Tbps"),
        label: u("互联网出口带宽（2025）", "Internet egress bandwidth (2025)"),
      },
      { value: "20", unit: u("个", ""), label: u("5G+智慧城市示范应用", "5G + smart-city showcases") },
    ],
    live: "online",
  },
];

export const LIVE_LABELS: Record<LiveFigureId, Bilingual> = {
  siteLoad: u("实时平均基站负载", "Live mean site load"),
  dcPue: u("实时平均PUE", "Live mean PUE"),
  charging: u("正在充电的充电枪", "Connectors charging now"),
  speed: u("实时平均车速 (km/h)", "Live mean speed (km/h)"),
  online: u("在线设施", "Facilities online"),
};
