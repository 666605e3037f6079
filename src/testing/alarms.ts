/** A critical site alarm for unit tests, raised at 2026-01-01 08:00 UTC; `extra` overrides any field. */
import type { Alarm } from "../protocol/live";

export const testAlarm = (id: string, extra: Partial<Alarm> = {}): Alarm => ({
  id,
  layer: "sites",
  objectId: `S-${id}`,
  objectIndex: 0,
  kind: "site-down",
  severity: "critical",
  raisedAt: Date.parse("2026-01-01T08:00:00Z"),
  text_zh: `告警 ${id}`,
  text_en: `alarm ${id}`,
  ...extra,
});
