/** Shared visual constants: the system CJK font stack (no web fonts) and the status palette used by every layer and panel. */
export const FONT_STACK = `"PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif`;

/** Status codes shared with the live protocol: 0 ok, 1 warning, 2 fault, 3 offline, 4 unknown/stale. */
export const STATUS_CSS = ["#22d3a6", "#ffb020", "#ff4d4f", "#8a94a6", "#5b6577"] as const;
export const CYAN = "#2ad4ff";
