/**
 * The shape of an extra REST route plugin: it gets the fastify app and the gateway context (tokens for role checks,
 * state for reads). Kept apart from the ROUTES list so a plugin can name its type without importing the list that
 * imports it.
 */
import type { FastifyInstance } from "fastify";
import type { TokenBook } from "./config";
import type { LiveState } from "./state";

export interface RouteContext {
  tokens: TokenBook;
  state: LiveState;
  log: (m: string) => void;
  /** the planner scenarios' SQLite file (default var/scenarios.db) */
  scenarioDb?: string;
}
export type RoutePlugin = (app: FastifyInstance, ctx: RouteContext) => void | Promise<void>;
