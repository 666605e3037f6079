/**
 * Role tokens for a test gateway: one token per role, named after the suite so parallel runs never share one.
 * `json` is the RONGTWIN_TOKENS value; the anonymous role stays "viewer" like the default gateway.
 */
import type { Role } from "../server/config";

export interface RoleTokens {
  operator: string;
  ingest: string;
  viewer: string;
  planner: string;
  /** RONGTWIN_TOKENS for the gateway */
  json: string;
}

export function roleTokens(suite: string): RoleTokens {
  const make = (role: Role) => `${suite}-${role}-token-0001`;
  const t = { operator: make("operator"), ingest: make("ingest"), viewer: make("viewer"), planner: make("planner") };
  const book = {
    tokens: (Object.keys(t) as Role[]).map((role) => ({ token: t[role], role, name: `${suite}-${role}` })),
    anonymous: "viewer",
  };
  return { ...t, json: JSON.stringify(book) };
}
