/**
 * Extra REST route plugins, registered by createGateway after the built-in /api routes. Other engineers append
 * here (e.g. the planner's scenario routes). Each entry gets the fastify app and the gateway context (tokens
 * for role checks, state for reads). Example:
 *
 *   import { scenarioRoutes } from "./scenarios";
 *   export const ROUTES: RoutePlugin[] = [scenarioRoutes];
 *
 *   // in scenarios.ts (RoutePlugin comes from ./route-plugin)
 *   export const scenarioRoutes: RoutePlugin = (app, ctx) => {
 *     app.post("/api/scenarios", async (req, reply) => {
 *       const who = requireRole(ctx.tokens, req, reply, ["planner"]); // from ./security
 *       if (!who) return;
 *       ...
 *     });
 *   };
 */
import type { RoutePlugin } from "./route-plugin";
import { scenarioRoutes } from "./scenarios";

export type { RouteContext, RoutePlugin } from "./route-plugin";

export const ROUTES: RoutePlugin[] = [
  scenarioRoutes, // planner scenarios: /api/scenarios (SQLite at $SCENARIO_DB, default var/scenarios.db)
];
