/**
 * Pure decoding/validation of server messages (no DOM, no socket): can move into a Web Worker unchanged.
 */
import {
  AlarmEvent,
  AlarmList,
  Delta,
  Detail,
  ErrorMsg,
  Hello,
  Snapshot,
  parseMessage,
  type ErrorCode,
} from "../protocol/live";
import type { z } from "zod";

export const SERVER_SCHEMAS = {
  hello: Hello,
  snapshot: Snapshot,
  delta: Delta,
  alarms: AlarmList,
  alarm: AlarmEvent,
  detail: Detail,
  error: ErrorMsg,
} as const;
export type ServerEvent = keyof typeof SERVER_SCHEMAS;
export type ServerMessage = {
  [E in ServerEvent]: { event: E; msg: z.infer<(typeof SERVER_SCHEMAS)[E]> };
}[ServerEvent];

export function decodeServerMessage(
  event: string,
  raw: unknown,
): { ok: true; value: ServerMessage } | { ok: false; code: ErrorCode; reason: string } {
  if (!(event in SERVER_SCHEMAS)) return { ok: false, code: "unknown_event", reason: `unknown server event ${event}` };
  const r = parseMessage(SERVER_SCHEMAS[event as ServerEvent], raw);
  if (!r.ok) return r;
  return { ok: true, value: { event, msg: r.value } as ServerMessage };
}
