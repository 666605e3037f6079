/**
 * Which live sources a gateway runs (LIVE_SOURCE, a comma-separated list) and the settings of the real feeds
 * (MQTT bridge, OCPP central system), read from the environment with every error naming its variable.
 *
 *   LIVE_SOURCE   sim | ingest | both (= sim,ingest) | synthetic | mqtt | ocpp, combined with commas,
 *                 e.g. "sim,mqtt,ocpp" or "mqtt,ocpp". Without `sim` no simulator runs and POST /api/ingest is open.
 *   MQTT_URL      mqtt://host:1883 or mqtts://host:8883 (required with mqtt)
 *   MQTT_USERNAME, MQTT_PASSWORD, MQTT_CLIENT_ID (default rongtwin-<hostname>; stable, so the broker keeps the
 *                 session while the gateway is down), MQTT_TOPIC_PREFIX (default rongtwin),
 *   MQTT_CA_FILE, MQTT_CERT_FILE, MQTT_KEY_FILE (TLS), MQTT_MAPPING_FILE (JSON topic mapping, see mqtt-topics.ts)
 *   OCPP_CREDENTIALS (JSON) or OCPP_CREDENTIALS_FILE (default var/ocpp-credentials.json): per charge point
 *                 passwords, see ocpp/credentials.ts. OCPP_HEARTBEAT_S (default 60).
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { type z } from "zod";
import { zodReason } from "../../protocol/live";
import { TopicMapping } from "./mqtt-topics";
import { OcppCredentials } from "./ocpp/credentials";

export const LIVE_SOURCE_NAMES = ["sim", "ingest", "both", "synthetic", "mqtt", "ocpp"] as const;
export type LiveSourceName = (typeof LIVE_SOURCE_NAMES)[number];

export interface LiveSources {
  /** the gateway's core mode: simulator and/or ingest API, or the benchmark's synthetic load */
  source: "sim" | "ingest" | "both" | "synthetic";
  mqtt: boolean;
  ocpp: boolean;
}

/** Parse LIVE_SOURCE ("sim,mqtt,ocpp"); throws naming the variable and the bad part. */
export function parseLiveSource(raw: string | undefined): LiveSources {
  const parts = (raw === undefined || raw.trim() === "" ? "sim" : raw)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = parts.filter((p) => !(LIVE_SOURCE_NAMES as readonly string[]).includes(p));
  if (bad.length || parts.length === 0)
    throw new Error(`LIVE_SOURCE=${raw}: expected sim, ingest, both, synthetic, mqtt or ocpp (comma-separated)`);
  const has = (n: LiveSourceName) => parts.includes(n);
  if (has("synthetic") && parts.length > 1)
    throw new Error(`LIVE_SOURCE=${raw}: synthetic (benchmark load) cannot be combined with other sources`);
  const sim = has("sim") || has("both");
  const ingest = has("ingest") || has("both");
  const source = has("synthetic") ? "synthetic" : sim ? (ingest ? "both" : "sim") : "ingest";
  return { source, mqtt: has("mqtt"), ocpp: has("ocpp") };
}

export interface MqttEnv {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  prefix: string;
  ca?: string;
  cert?: string;
  key?: string;
  mapping?: TopicMapping;
}

const readText = (name: string, file: string | undefined): string | undefined => {
  if (!file) return undefined;
  try {
    return readFileSync(resolve(file), "utf8");
  } catch (e) {
    throw new Error(`${name}=${file}: cannot read (${(e as Error).message})`);
  }
};

function parseJson<T>(schema: z.ZodType<T>, raw: string, where: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new Error(`${where}: ${zodReason(r.error)}`);
  return r.data;
}

export function readMqttEnv(env: NodeJS.ProcessEnv): MqttEnv {
  const url = env.MQTT_URL;
  if (!url) throw new Error("MQTT_URL: required when LIVE_SOURCE includes mqtt (e.g. mqtt://127.0.0.1:1883)");
  if (!/^(mqtts?|wss?|tcp|tls):\/\/[^\s]+$/.test(url))
    throw new Error(`MQTT_URL=${url}: expected mqtt://host:port or mqtts://host:port`);
  const prefix = env.MQTT_TOPIC_PREFIX || "rongtwin";
  if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(prefix))
    throw new Error(`MQTT_TOPIC_PREFIX=${prefix}: expected topic levels of letters, digits, _ and - (no wildcards)`);
  const clientId = env.MQTT_CLIENT_ID || `rongtwin-${hostname()}`.slice(0, 64);
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(clientId))
    throw new Error(`MQTT_CLIENT_ID=${clientId}: expected 1-64 letters, digits, _ . : -`);
  const mappingText = readText("MQTT_MAPPING_FILE", env.MQTT_MAPPING_FILE);
  return {
    url,
    username: env.MQTT_USERNAME || undefined,
    password: env.MQTT_PASSWORD || undefined,
    clientId,
    prefix,
    ca: readText("MQTT_CA_FILE", env.MQTT_CA_FILE),
    cert: readText("MQTT_CERT_FILE", env.MQTT_CERT_FILE),
    key: readText("MQTT_KEY_FILE", env.MQTT_KEY_FILE),
    mapping: mappingText
      ? parseJson(TopicMapping, mappingText, `MQTT_MAPPING_FILE=${env.MQTT_MAPPING_FILE}`)
      : undefined,
  };
}

export interface OcppEnv {
  credentials?: OcppCredentials;
  credentialsSource: string;
  heartbeatS: number;
}

export function readOcppEnv(env: NodeJS.ProcessEnv, file = resolve("var/ocpp-credentials.json")): OcppEnv {
  const hbRaw = env.OCPP_HEARTBEAT_S;
  const heartbeatS = hbRaw ? Number(hbRaw) : 60;
  if (!Number.isInteger(heartbeatS) || heartbeatS < 1 || heartbeatS > 86400)
    throw new Error(`OCPP_HEARTBEAT_S=${hbRaw}: expected a whole number of seconds in [1, 86400]`);
  if (env.OCPP_CREDENTIALS)
    return {
      credentials: parseJson(OcppCredentials, env.OCPP_CREDENTIALS, "OCPP_CREDENTIALS"),
      credentialsSource: "env OCPP_CREDENTIALS",
      heartbeatS,
    };
  const path = env.OCPP_CREDENTIALS_FILE ? resolve(env.OCPP_CREDENTIALS_FILE) : file;
  if (existsSync(path))
    return {
      credentials: parseJson(OcppCredentials, readFileSync(path, "utf8"), path),
      credentialsSource: path,
      heartbeatS,
    };
  if (env.OCPP_CREDENTIALS_FILE) throw new Error(`OCPP_CREDENTIALS_FILE=${env.OCPP_CREDENTIALS_FILE}: no such file`);
  return { credentials: undefined, credentialsSource: "none (every charge point is refused)", heartbeatS };
}
