/**
 * Who may open a socket.io connection (engine.io `allowRequest`, run once per handshake): an allowed Host, an
 * allowed Origin, and fewer than `maxPerAddress` open connections from the same client address — each
 * connection holds buffers and per-socket state, so one address must not be able to open hundreds.
 */
import type { IncomingMessage } from "node:http";
import type { Server } from "socket.io";
import type { HostPolicy, OriginPolicy } from "./security";

export class Admission {
  private readonly perAddress = new Map<string, number>();
  /** handshakes refused for too many connections from one address */
  refusedForCount = 0;
  constructor(
    private readonly hosts: HostPolicy,
    private readonly origins: OriginPolicy,
    readonly maxPerAddress: number,
  ) {}

  /** Why this handshake is refused, or undefined when it is allowed. */
  refusal(req: IncomingMessage): string | undefined {
    if (!this.hosts.allowsRequest(req)) return "host not allowed";
    if (!this.origins.allowsRequest(req)) return "origin not allowed";
    const open = this.perAddress.get(req.socket.remoteAddress ?? "") ?? 0;
    if (open >= this.maxPerAddress) {
      this.refusedForCount++;
      return `too many connections from this address (limit ${this.maxPerAddress})`;
    }
    return undefined;
  }

  allowRequest = (req: IncomingMessage, cb: (err: string | null | undefined, ok: boolean) => void): void => {
    const why = this.refusal(req);
    cb(why ?? null, !why);
  };

  /** Count open engine.io connections per address (call once, after the Server exists). */
  track(io: Server): void {
    io.engine.on("connection", (conn: { remoteAddress: string; once(ev: "close", fn: () => void): void }) => {
      const addr = conn.remoteAddress ?? "";
      this.perAddress.set(addr, (this.perAddress.get(addr) ?? 0) + 1);
      conn.once("close", () => {
        const n = (this.perAddress.get(addr) ?? 1) - 1;
        if (n > 0) this.perAddress.set(addr, n);
        else this.perAddress.delete(addr);
      });
    });
  }

  connectionsFrom(addr: string): number {
    return this.perAddress.get(addr) ?? 0;
  }
}
