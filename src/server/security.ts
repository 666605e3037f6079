/**
 * Security headers (CSP allowing what Cesium needs), origin allow-list, bearer-token auth helper.
 */
import type { IncomingMessage } from "node:http";
import { hostname, networkInterfaces } from "node:os";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Principal, Role, TokenBook } from "./config";

/**
 * CSP for the served app. Cesium needs: WebAssembly compilation ('wasm-unsafe-eval', draco/ktx2 decoders),
 * blob: workers, data:/blob: images (textures, canvases), inline style attributes set by its widgets, and the
 * socket.io websocket to the same origin ('self' covers ws(s): same-origin in CSP3 browsers; ws:/wss: of the
 * page host are added explicitly for older engines).
 */
export function contentSecurityPolicy(extraConnect: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    `connect-src 'self' data: blob: ${extraConnect.join(" ")}`.trim(),
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
};

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    const host = req.headers.host;
    const extra = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? [`ws://${host}`, `wss://${host}`] : [];
    reply.header("content-security-policy", contentSecurityPolicy(extra));
    return payload;
  });
}

/** Put the security headers on a reply that bypasses the onSend hook (framework errors answered before routing). */
export function setSecurityHeaders(reply: FastifyReply): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
  reply.header("content-security-policy", contentSecurityPolicy());
}

/**
 * fastify `frameworkErrors`: requests it refuses before routing (a malformed URL such as `/%ff`, an over-long
 * path parameter) get a 400 with the security headers and a reason that does not echo the request.
 */
export function frameworkErrors(error: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  setSecurityHeaders(reply);
  const reason = error.code === "FST_ERR_BAD_URL" ? "malformed URL (bad percent-encoding)" : "malformed request";
  void reply.code(400).send({ error: "bad_request", reason });
}

const LOOPBACK = ["localhost", "127.0.0.1", "::1"];
const WILDCARD = ["0.0.0.0", "::", ""];

/** The host name of a Host header, lower-case, without port or IPv6 brackets. */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") > 0 ? h.indexOf("]") : undefined);
  const colon = h.indexOf(":");
  return colon >= 0 && h.indexOf(":", colon + 1) < 0 ? h.slice(0, colon) : h;
}

/**
 * Host allow-list (DNS rebinding: a hostile page whose name resolves to this gateway sends its own name in
 * Host). Configured names (RONGTWIN_HOSTS) or, by default, the bound host — for a wildcard bind the machine's
 * host name and interface addresses — always plus the loopback names. `*` allows any host (behind a proxy
 * that checks Host itself). Requests without Host (HTTP/1.0 tools) are allowed; tokens still apply.
 */
export class HostPolicy {
  private readonly allowed: Set<string> | undefined;
  constructor(configured: string[], boundHost: string) {
    if (configured.includes("*")) return;
    const names = configured.length ? configured : HostPolicy.defaults(boundHost);
    this.allowed = new Set([...names, ...LOOPBACK].map((n) => hostOf(n)));
  }
  static defaults(boundHost: string): string[] {
    if (!WILDCARD.includes(boundHost)) return [boundHost];
    const addrs = Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address));
    return [hostname(), ...addrs];
  }
  allows(host: string | undefined): boolean {
    return !this.allowed || host === undefined || this.allowed.has(hostOf(host));
  }
  allowsRequest(req: IncomingMessage): boolean {
    return this.allows(req.headers.host);
  }
  /** Every HTTP request: a Host not on the list gets 403 (the name is not echoed). */
  install(app: FastifyInstance): void {
    app.addHook("onRequest", async (req, reply) => {
      if (!this.allows(req.headers.host))
        return reply.code(403).send({ error: "forbidden", reason: "host not allowed (see RONGTWIN_HOSTS)" });
    });
  }
}

/** Origin allow-list: configured origins, the page's own origin, and (outside production) the vite dev server. */
export class OriginPolicy {
  private readonly allowed: Set<string>;
  constructor(origins: string[], dev: boolean) {
    this.allowed = new Set(origins.map((o) => o.replace(/\/$/, "")));
    if (dev)
      for (const p of ["5173", "4173"])
        for (const h of ["localhost", "127.0.0.1"]) this.allowed.add(`http://${h}:${p}`);
  }
  /** Requests without Origin (non-browser clients, same-origin GETs) are allowed; tokens still apply. */
  allows(origin: string | undefined, host: string | undefined): boolean {
    if (!origin) return true;
    if (this.allowed.has(origin)) return true;
    try {
      const u = new URL(origin);
      return !!host && u.host === host;
    } catch {
      return false;
    }
  }
  allowsRequest(req: IncomingMessage): boolean {
    return this.allows(req.headers.origin, req.headers.host);
  }
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m ? m[1].trim() : "\u0000invalid";
}

/** Resolve the caller and check the role; sends 401/403 with a reason and returns undefined when refused. */
export function requireRole(
  tokens: TokenBook,
  req: FastifyRequest,
  reply: FastifyReply,
  roles: Role[],
): Principal | undefined {
  const token = bearer(req);
  const p = tokens.resolve(token);
  if (!p) {
    void reply
      .code(401)
      .send({ error: "unauthorized", reason: token ? "unknown token" : "a Bearer token is required" });
    return undefined;
  }
  if (!roles.includes(p.role)) {
    void reply
      .code(403)
      .send({ error: "forbidden", reason: `role ${p.role} may not do this (needs ${roles.join(" or ")})` });
    return undefined;
  }
  return p;
}
