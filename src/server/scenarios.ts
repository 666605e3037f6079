/**
 * Planner scenarios REST API, persisted in SQLite (better-sqlite3 12.x; 13 crashes on Node 20).
 *
 *   POST   /api/scenarios        body ScenarioBody → 201 ScenarioRecord
 *   GET    /api/scenarios        → { items: ScenarioSummary[] } (newest first, without candidates)
 *   GET    /api/scenarios/:id    → ScenarioRecord
 *   PUT    /api/scenarios/:id    body ScenarioBody → ScenarioRecord
 *   DELETE /api/scenarios/:id    → 204
 *
 * Invalid bodies get 400 { error: "invalid scenario", fields: [{ field, reason }] } and change nothing.
 * Bodies are validated with the shared zod schema (src/protocol/scenario.ts) the planner also uses.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ScenarioBody, type ScenarioRecord, type ScenarioSummary, zodFieldErrors } from "../protocol/scenario";
import type { RoutePlugin } from "./route-plugin";
import { bearer } from "./security";

export type ScenarioAccess = "read" | "write";

export interface ScenarioRouteOptions {
  /** SQLite file (created with its folder if missing); ":memory:" for tests */
  dbPath: string;
  /** throw an Error with `statusCode` 401/403 to refuse; absent = everyone may read and write */
  requireRole?: (req: FastifyRequest, access: ScenarioAccess) => void;
  /** request body limit, bytes (default 4 MB: ~20,000 candidates) */
  bodyLimit?: number;
}

interface Row {
  id: number;
  name: string;
  body: string;
  created_at: string;
  updated_at: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function openScenarioDb(dbPath: string): Database.Database {
  if (dbPath !== ":memory:") mkdirSync(dirname(resolve(dbPath)), { recursive: true });
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE IF NOT EXISTS scenarios (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`);
  return db;
}

function toRecord(r: Row): ScenarioRecord {
  const body = JSON.parse(r.body) as ScenarioBody;
  return { ...body, id: r.id, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** The scenarios table and its prepared statements; closed with the app. */
class ScenarioStore {
  private readonly db: Database.Database;
  private readonly q;

  constructor(dbPath: string) {
    const db = (this.db = openScenarioDb(dbPath));
    this.q = {
      insert: db.prepare<[string, string, string, string], Row>(
        "INSERT INTO scenarios (name, body, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING *",
      ),
      list: db.prepare<[], Row>("SELECT * FROM scenarios ORDER BY updated_at DESC, id DESC"),
      get: db.prepare<[number], Row>("SELECT * FROM scenarios WHERE id = ?"),
      update: db.prepare<[string, string, string, number], Row>(
        "UPDATE scenarios SET name = ?, body = ?, updated_at = ? WHERE id = ? RETURNING *",
      ),
      remove: db.prepare<[number]>("DELETE FROM scenarios WHERE id = ?"),
    };
  }

  insert(body: ScenarioBody): Row {
    const now = new Date().toISOString();
    return this.q.insert.get(body.name, JSON.stringify(body), now, now)!;
  }
  list(): Row[] {
    return this.q.list.all();
  }
  get(id: number): Row | undefined {
    return this.q.get.get(id);
  }
  update(id: number, body: ScenarioBody): Row | undefined {
    return this.q.update.get(body.name, JSON.stringify(body), new Date().toISOString(), id);
  }
  /** true when the scenario existed */
  remove(id: number): boolean {
    return this.q.remove.run(id).changes > 0;
  }
  close(): void {
    this.db.close();
  }
}

function toSummary(r: Row): ScenarioSummary {
  const b = JSON.parse(r.body) as ScenarioBody;
  return {
    id: r.id,
    name: b.name,
    description: b.description,
    candidateCount: b.candidates.length,
    kpis: b.kpis,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** the :id parameter as a positive integer, or a 400 sent and undefined */
function parseId(req: FastifyRequest, reply: FastifyReply): number | undefined {
  const raw = (req.params as { id?: string }).id ?? "";
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) {
    void reply.code(400).send({
      error: "invalid id",
      fields: [{ field: "id", reason: `expected a positive integer, got ${JSON.stringify(raw)}` }],
    });
    return undefined;
  }
  return id;
}

/** the request body as a valid scenario, or a 400 sent and undefined */
function parseBody(req: FastifyRequest, reply: FastifyReply): ScenarioBody | undefined {
  const r = ScenarioBody.safeParse(req.body);
  if (!r.success) {
    void reply.code(400).send({ error: "invalid scenario", fields: zodFieldErrors(r.error) });
    return undefined;
  }
  return r.data;
}

const notFound = (reply: FastifyReply, id: number) =>
  reply.code(404).send({ error: "not found", reason: `no scenario ${id}` });

/** The five scenario routes over one store; each handler checks access first. */
class ScenarioRoutes {
  constructor(
    private readonly store: ScenarioStore,
    private readonly opts: ScenarioRouteOptions,
  ) {}

  register(app: FastifyInstance): void {
    const bodyLimit = this.opts.bodyLimit ?? 4 * 1024 * 1024;
    app.post("/api/scenarios", { bodyLimit }, (req, reply) => this.create(req, reply));
    app.get("/api/scenarios", (req, reply) => this.list(req, reply));
    app.get("/api/scenarios/:id", (req, reply) => this.get(req, reply));
    app.put("/api/scenarios/:id", { bodyLimit }, (req, reply) => this.update(req, reply));
    app.delete("/api/scenarios/:id", (req, reply) => this.remove(req, reply));
  }

  /** false (and the refusal sent) when the caller may not read or write */
  private allowed(req: FastifyRequest, reply: FastifyReply, access: ScenarioAccess): boolean {
    if (!this.opts.requireRole) return true;
    try {
      this.opts.requireRole(req, access);
      return true;
    } catch (e) {
      const code = (e as { statusCode?: number }).statusCode ?? 403;
      void reply.code(code).send({ error: code === 401 ? "unauthorized" : "forbidden", reason: (e as Error).message });
      return false;
    }
  }

  private async create(req: FastifyRequest, reply: FastifyReply) {
    if (!this.allowed(req, reply, "write")) return reply;
    const body = parseBody(req, reply);
    if (!body) return reply;
    return reply.code(201).send(toRecord(this.store.insert(body)));
  }

  private async list(req: FastifyRequest, reply: FastifyReply) {
    if (!this.allowed(req, reply, "read")) return reply;
    const items: ScenarioSummary[] = this.store.list().map(toSummary);
    return { items };
  }

  private async get(req: FastifyRequest, reply: FastifyReply) {
    if (!this.allowed(req, reply, "read")) return reply;
    const id = parseId(req, reply);
    if (id === undefined) return reply;
    const row = this.store.get(id);
    return row ? toRecord(row) : notFound(reply, id);
  }

  private async update(req: FastifyRequest, reply: FastifyReply) {
    if (!this.allowed(req, reply, "write")) return reply;
    const id = parseId(req, reply);
    if (id === undefined) return reply;
    const body = parseBody(req, reply);
    if (!body) return reply;
    const row = this.store.update(id, body);
    return row ? toRecord(row) : notFound(reply, id);
  }

  private async remove(req: FastifyRequest, reply: FastifyReply) {
    if (!this.allowed(req, reply, "write")) return reply;
    const id = parseId(req, reply);
    if (id === undefined) return reply;
    return this.store.remove(id) ? reply.code(204).send() : notFound(reply, id);
  }
}

export async function registerScenarioRoutes(app: FastifyInstance, opts: ScenarioRouteOptions): Promise<void> {
  const store = new ScenarioStore(opts.dbPath);
  app.addHook("onClose", async () => {
    store.close();
  });
  new ScenarioRoutes(store, opts).register(app);
}

/**
 * Gateway plugin (src/server/routes.ts): scenarios in `ctx.scenarioDb` (default var/scenarios.db). Reading needs any
 * resolved principal (anonymous viewers included when the gateway allows them); writing needs planner or operator.
 */
export const scenarioRoutes: RoutePlugin = async (app, ctx) => {
  const dbPath = resolve(ctx.scenarioDb ?? "var/scenarios.db");
  await registerScenarioRoutes(app, {
    dbPath,
    requireRole: (req, access) => {
      const token = bearer(req);
      const p = ctx.tokens.resolve(token);
      if (!p) throw new HttpError(401, token ? "unknown token" : "a Bearer token is required");
      if (access === "write" && p.role !== "planner" && p.role !== "operator")
        throw new HttpError(403, `role ${p.role} may not change scenarios (needs planner or operator)`);
    },
  });
  ctx.log(`scenarios: ${dbPath}`);
};
