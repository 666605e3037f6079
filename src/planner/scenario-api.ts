/**
 * Browser client of the gateway's scenario REST API (src/server/scenarios.ts). Errors carry the server's
 * field-level reasons so the panel can show them next to the inputs.
 *
 *   const api = new ScenarioApi({ token: "dev-planner-token" });
 *   const saved = await api.create({ name, candidates, params, kpis: flattenKpis(snapshot.kpis) });
 */
import type { FieldError, ScenarioBody, ScenarioRecord, ScenarioSummary } from "../protocol/scenario";

export class ScenarioApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = "ScenarioApiError";
  }
}

export interface ScenarioApiOptions {
  /** default "" (same origin) */
  baseUrl?: string;
  /** Bearer token (planner or operator role to write) */
  token?: string;
  fetch?: typeof fetch;
}

export class ScenarioApi {
  private base: string;
  private token?: string;
  private f: typeof fetch;

  constructor(o: ScenarioApiOptions = {}) {
    this.base = (o.baseUrl ?? "").replace(/\/$/, "");
    this.token = o.token;
    this.f = o.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  }

  private async req<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const r = await this.f(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status === 204) return undefined as T;
    const json = (await r.json().catch(() => ({}))) as {
      error?: string;
      reason?: string;
      message?: string;
      fields?: FieldError[];
    };
    if (!r.ok) {
      const fields = json.fields ?? [];
      const detail = fields.length
        ? fields.map((x) => `${x.field}: ${x.reason}`).join("; ")
        : (json.reason ?? json.message ?? "");
      throw new ScenarioApiError(
        r.status,
        `${method} ${path}: ${r.status} ${json.error ?? ""}${detail ? ` — ${detail}` : ""}`,
        fields,
      );
    }
    return json as T;
  }

  list(): Promise<ScenarioSummary[]> {
    return this.req<{ items: ScenarioSummary[] }>("GET", "/api/scenarios").then((r) => r.items);
  }
  get(id: number): Promise<ScenarioRecord> {
    return this.req("GET", `/api/scenarios/${id}`);
  }
  create(body: ScenarioBody): Promise<ScenarioRecord> {
    return this.req("POST", "/api/scenarios", body);
  }
  update(id: number, body: ScenarioBody): Promise<ScenarioRecord> {
    return this.req("PUT", `/api/scenarios/${id}`, body);
  }
  remove(id: number): Promise<void> {
    return this.req("DELETE", `/api/scenarios/${id}`);
  }
}
