/**
 * Every UI string, in Chinese (default) and English, in one place. `t(key)` reads the current language from the
 * ui store; views re-render on language change by subscribing to `lang`.
 */
import { createStore } from "zustand/vanilla";

export type Lang = "zh" | "en";

const STRINGS = {
  appTitle: { zh: "榕城数字孪生 · 新型基础设施", en: "RongTwin · Fuzhou New Digital Infrastructure" },
  sampleBadge: { zh: "示例数据（非真实）", en: "Sample data (not real)" },
  layers: { zh: "图层", en: "Layers" },
  legend: { zh: "图例", en: "Legend" },
  search: { zh: "搜索编号或名称", en: "Search id or name" },
  searchLabel: { zh: "搜索对象", en: "Search objects" },
  noResults: { zh: "无匹配结果", en: "No match" },
  inspector: { zh: "对象详情", en: "Inspector" },
  close: { zh: "关闭", en: "Close" },
  views: { zh: "视角", en: "Views" },
  language: { zh: "English", en: "中文" },
  languageLabel: { zh: "切换语言", en: "Switch language" },
  buildings: { zh: "建筑（CIM）", en: "Buildings (CIM)" },
  districts: { zh: "行政区", en: "Districts" },
  configError: { zh: "场景配置无效，已使用默认场景：", en: "Scene config is invalid; the default scene is used instead: " },
  dataError: { zh: "数据文件无效：", en: "Invalid data file: " },
  dismiss: { zh: "知道了", en: "Dismiss" },
  loading: { zh: "加载中…", en: "Loading…" },
  connected: { zh: "已连接", en: "Connected" },
  reconnecting: { zh: "重连中…", en: "Reconnecting…" },
  offlineSince: { zh: "离线，自", en: "Offline since" },
  alarms: { zh: "告警", en: "Alarms" },
  noAlarms: { zh: "暂无告警", en: "No active alarms" },
  acknowledge: { zh: "确认", en: "Ack" },
  acknowledged: { zh: "已确认", en: "Acknowledged" },
  lastSeen: { zh: "最后更新", en: "Last seen" },
  status: { zh: "状态", en: "Status" },
  "status.0": { zh: "正常", en: "Normal" },
  "status.1": { zh: "告警/降级", en: "Warning / degraded" },
  "status.2": { zh: "故障", en: "Fault" },
  "status.3": { zh: "离线", en: "Offline" },
  "status.4": { zh: "无数据/过期", en: "No data / stale" },
  "sev.critical": { zh: "严重", en: "Critical" },
  "sev.major": { zh: "重要", en: "Major" },
  "sev.minor": { zh: "一般", en: "Minor" },
  "layer.sites": { zh: "5G基站", en: "5G base stations" },
  "layer.datacentres": { zh: "数据中心", en: "Data centres" },
  "layer.chargers": { zh: "充电站", en: "EV charging stations" },
  "layer.sensors": { zh: "交通感知设备", en: "Traffic sensors" },
  "legend.sites": { zh: "按负载着色", en: "coloured by load" },
  "legend.ok": { zh: "正常", en: "Normal" },
  "legend.busy": { zh: "高负载", en: "Busy" },
  "legend.warn": { zh: "降级/告警", en: "Degraded" },
  "legend.fault": { zh: "故障", en: "Fault" },
  "legend.offline": { zh: "离线/过期", en: "Offline / stale" },
  "legend.super": { zh: "光储充超充站", en: "Solar+storage super-charger" },
  "legend.ordinary": { zh: "普通充电站", en: "Ordinary station" },
  "legend.aiVideo": { zh: "AI视频分析摄像机", en: "AI video-analytics camera" },
  "legend.loop": { zh: "线圈/视频检测器", en: "Loop / video detector" },
  "legend.free": { zh: "畅通", en: "Free flow" },
  "legend.slow": { zh: "缓行", en: "Slow" },
  "legend.jam": { zh: "拥堵", en: "Congested" },
  "legend.buildings": { zh: "建筑按高度着色", en: "Buildings by height" },
  "legend.park": { zh: "大数据产业园", en: "Big-data park" },
  "mode.command": { zh: "指挥中心", en: "Command centre" },
  "mode.planner": { zh: "规划分析", en: "Planner" },
  "mode.kiosk": { zh: "展厅", en: "Kiosk" },
  "mode.default": { zh: "总览", en: "Overview" },
  "field.id": { zh: "编号", en: "ID" },
  "field.name": { zh: "名称", en: "Name" },
  "field.district": { zh: "所在区县", en: "District" },
  "field.operator": { zh: "运营商", en: "Operator" },
  "field.band": { zh: "频段", en: "Band" },
  "field.heightM": { zh: "天线挂高 (m)", en: "Antenna height (m)" },
  "field.azimuths": { zh: "扇区方位角 (°)", en: "Sector azimuths (°)" },
  "field.tiltDeg": { zh: "下倾角 (°)", en: "Downtilt (°)" },
  "field.txPowerDbm": { zh: "发射功率 (dBm)", en: "Tx power (dBm)" },
  "field.commissioned": { zh: "开通日期", en: "Commissioned" },
  "field.racks": { zh: "机架数", en: "Racks" },
  "field.itCapacityMw": { zh: "IT容量 (MW)", en: "IT capacity (MW)" },
  "field.designPue": { zh: "设计PUE", en: "Design PUE" },
  "field.pflops": { zh: "算力 (PFLOPS)", en: "Compute (PFLOPS)" },
  "field.kind": { zh: "类型", en: "Kind" },
  "field.inPark": { zh: "位于大数据产业园", en: "In the big-data park" },
  "field.connectors": { zh: "充电枪数", en: "Connectors" },
  "field.connectorKw": { zh: "单枪功率 (kW)", en: "Power per connector (kW)" },
  "field.solarKwp": { zh: "光伏 (kWp)", en: "Solar (kWp)" },
  "field.storageKwh": { zh: "储能 (kWh)", en: "Storage (kWh)" },
  "field.road": { zh: "所属道路", en: "Road" },
  "field.chainageM": { zh: "里程 (m)", en: "Chainage (m)" },
  "field.usage": { zh: "用途", en: "Usage" },
  "field.floors": { zh: "层数", en: "Floors" },
  "field.buildingHeight": { zh: "高度 (m)", en: "Height (m)" },
  "live.load": { zh: "负载", en: "Load" },
  "live.users": { zh: "连接用户", en: "Connected users" },
  "live.itMw": { zh: "IT负载 (MW)", en: "IT load (MW)" },
  "live.facilityMw": { zh: "总功率 (MW)", en: "Facility power (MW)" },
  "live.pue": { zh: "实时PUE", en: "Live PUE" },
  "live.rackUtil": { zh: "机架利用率", en: "Rack utilisation" },
  "live.inletC": { zh: "进风温度 (°C)", en: "Inlet temp (°C)" },
  "live.charging": { zh: "充电中", en: "Charging" },
  "live.idle": { zh: "空闲", en: "Idle" },
  "live.fault": { zh: "故障", en: "Fault" },
  "live.offline": { zh: "离线", en: "Offline" },
  "live.powerKw": { zh: "充电功率 (kW)", en: "Power (kW)" },
  "live.solarKw": { zh: "光伏出力 (kW)", en: "Solar (kW)" },
  "live.socPct": { zh: "储能SOC (%)", en: "Storage SoC (%)" },
  "live.flowVph": { zh: "流量 (辆/时)", en: "Flow (veh/h)" },
  "live.speedKmh": { zh: "车速 (km/h)", en: "Speed (km/h)" },
  "live.occupancy": { zh: "占有率", en: "Occupancy" },
  "live.congestion": { zh: "拥堵等级", en: "Congestion level" },
  yes: { zh: "是", en: "yes" },
  no: { zh: "否", en: "no" },
  lookInside: { zh: "查看内部", en: "Look inside" },
} as const satisfies Record<string, { zh: string; en: string }>;

export type StringKey = keyof typeof STRINGS;

export const uiLang = createStore<{ lang: Lang }>(() => ({ lang: "zh" }));

export function setLang(lang: Lang): void {
  uiLang.setState({ lang });
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

export function t(key: StringKey, lang: Lang = uiLang.getState().lang): string {
  return STRINGS[key][lang];
}

export function hasKey(key: string): key is StringKey {
  return key in STRINGS;
}

/** Both languages, for accessible names that must include the Chinese and English name. */
export function both(key: StringKey): string {
  return `${STRINGS[key].zh} ${STRINGS[key].en}`;
}
