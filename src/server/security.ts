/**
 * Security headers (CSP allowing what Cesium needs), origin allow-list, bearer-token auth helper.
 */
import type { IncomingMessage } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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
