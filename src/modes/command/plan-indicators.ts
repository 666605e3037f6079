/**
 * The ten key indicators of Fuzhou's new-infrastructure plan, transcribed by hand from the project's reference
 * table (fuzhou-plan-targets.json). The app never reads the reference file at run time; this module is the copy.
 */
export const PLAN_SOURCE =
  "榕政办〔2023〕86号 福州市新型基础设施建设三年行动方案（2023—2025年）, issued 2023-12-27 (the plan document this project visualises). Figures transcribed from its key-indicator table and text.";

export interface PlanIndicator {
  id: string;
  name_zh: string;
  name_en: string;
  unit: string;
  baseline_2022: number;
  target_2023: number;
  target_2024: number;
  target_2025: number;
  /** Fujian province's 2025 target; null where the plan gives none */
  province_target_2025: number | null;
}

export const PLAN_INDICATORS: readonly PlanIndicator[] = [
  {
    id: "5g_sites_per_10k_people",
    name_zh: "每万人拥有5G基站数",
    name_en: "5G base stations per 10,000 people",
    unit: "个",
    baseline_2022: 18.6,
    target_2023: 28,
    target_2024: 32,
    target_2025: 35,
    province_target_2025: 30,
  },
  {
    id: "5g_user_penetration",
    name_zh: "5G用户普及率",
    name_en: "5G user penetration",
    unit: "%",
    baseline_2022: 38.9,
    target_2023: 50,
    target_2024: 60,
    target_2025: 73,
    province_target_2025: 70,
  },
  {
    id: "10g_pon_ports",
    name_zh: "10G-PON及以上端口数",
    name_en: "10G-PON and faster ports",
    unit: "万个",
    baseline_2022: 8.8,
    target_2023: 14,
    target_2024: 16,
    target_2025: 18,
    province_target_2025: 70,
  },
  {
    id: "gigabit_broadband_share",
    name_zh: "千兆宽带接入用户占比",
    name_en: "Share of gigabit broadband subscribers",
    unit: "%",
    baseline_2022: 8.7,
    target_2023: 21,
    target_2024: 28,
    target_2025: 35,
    province_target_2025: 32,
  },
  {
    id: "mobile_ipv6_traffic_share",
    name_zh: "移动网络IPv6流量占比",
    name_en: "IPv6 share of mobile traffic",
    unit: "%",
    baseline_2022: 48.42,
    target_2023: 55,
    target_2024: 63,
    target_2025: 70.2,
    province_target_2025: 70,
  },
  {
    id: "key_site_ipv6_support",
    name_zh: "重点网站IPv6支持水平",
    name_en: "IPv6 support of key websites",
    unit: "%",
    baseline_2022: 96.44,
    target_2023: 97.4,
    target_2024: 98.5,
    target_2025: 99.4,
    province_target_2025: 99.3,
  },
  {
    id: "internet_egress_bandwidth",
    name_zh: "互联网出口带宽",
    name_en: "Internet egress bandwidth",
    unit: "Tbps",
    baseline_2022: 45.2,
    target_2023: 47.9,
    target_2024: 54.3,
    target_2025: 63.4,
    province_target_2025: 98,
  },
  {
    id: "iot_terminals",
    name_zh: "物联网终端用户数",
    name_en: "IoT terminal subscribers",
    unit: "万户",
    baseline_2022: 2119.2,
    target_2023: 2483.7,
    target_2024: 2910.9,
    target_2025: 3411.6,
    province_target_2025: 8000,
  },
  {
    id: "iiot_identifier_registrations",
    name_zh: "工业互联网标识解析二级节点标识注册数",
    name_en: "Industrial-internet identifier registrations (secondary nodes)",
    unit: "万个",
    baseline_2022: 9500,
    target_2023: 15000,
    target_2024: 20000,
    target_2025: 25000,
    province_target_2025: null,
  },
  {
    id: "ai_large_models",
    name_zh: "孵化引入人工智能大模型数",
    name_en: "AI large models incubated or brought in",
    unit: "个",
    baseline_2022: 0,
    target_2023: 1,
    target_2024: 3,
    target_2025: 5,
    province_target_2025: null,
  },
];

/** Targets from the plan's text that the live layers can be compared with (same source). */
export const PLAN_TEXT_TARGETS = {
  sites5g2025: 30000,
  racks: 70000,
  pueGeneral: 1.5,
  pueNew: 1.3,
  aiPflops2025: 800,
  superChargers: 100,
} as const;
