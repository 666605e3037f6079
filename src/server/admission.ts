/**
 * Who may open a socket.io connection (engine.io `allowRequest`, run once per handshake): an allowed Host, an
 * allowed Origin, and fewer than `maxPerAddress` open connections from the same client address — each
 * connection holds buffers and per-socket state, so one address must not be able to open hundreds.
 *
 * `allowRequest` runs before the WebSocket upgrade, so a refused handshake costs one short HTTP 400 and no
 * socket. Refusals are not logged one by one (a flood would become a log flood): one line per minute with the
 * counts by reason.
 */
import type { IncomingMessage } from "node:http";
import type { Server } from "socket.io";
import type { HostPolicy, OriginPolicy } from "./security";

interface EngineConnection {
  remoteAddress: string;
  once(ev: "close", fn: () => void): void;
}

export class Admission {
  private readonly perAddress = new Map<string, number>();
  /** handshakes refused for too many connections from one address */
  refusedForCount = 0;
  private readonly sinceLog = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  /** the engine.io connection listener added by track(), removed on stop */
  private tracked?: { io: Server; listener: (conn: EngineConnection) => void };
  constructor(
    private readonly hosts: HostPolicy,
    private readonly origins: OriginPolicy,
    readonly maxPerAddress: number,
    private readonly log: (m: string) => void = () => {},
    private readonly logEveryMs = 60_000,
  ) {}

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.tracked?.io.engine.off("connection", this.tracked.listener);
    this.tracked = undefined;
  }

  private count(reason: string): void {
    this.sinceLog.set(reason, (this.sinceLog.get(reason) ?? 0) + 1);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flushLog(), this.logEveryMs);
    this.timer.unref();
  }

  private flushLog(): void {
    this.timer = undefined;
    const parts = [...this.sinceLog].map(([why, n]) => `${n} ${why}`);
    this.sinceLog.clear();
    if (parts.length)
      this.log(`socket handshakes refused in the last ${this.logEveryMs / 1000} s: ${parts.join("; ")}`);
  }

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
    if (why) this.count(why.replace(/ \(.*\)$/, ""));
    cb(why ?? null, !why);
  };

  /** Count open engine.io connections per address (call once, after the Server exists). */
  track(io: Server): void {
    const listener = (conn: EngineConnection) => {
      const addr = conn.remoteAddress ?? "";
      this.perAddress.set(addr, (this.perAddress.get(addr) ?? 0) + 1);
      conn.once("close", () => {
        const n = (this.perAddress.get(addr) ?? 1) - 1;
        if (n > 0) this.perAddress.set(addr, n);
        else this.perAddress.delete(addr);
      });
    };
    io.engine.on("connection", listener);
    this.tracked = { io, listener };
  }

  connectionsFrom(addr: string): number {
    return this.perAddress.get(addr) ?? 0;
  }
}
