/**
 * Deflate in a worker thread of its own at the lowest CPU priority (nice 19 — on Linux a thread's own nice value),
 * so compressing history blocks and keyframes takes only CPU the live path leaves idle: on two shared cores,
 * deflate in the libuv pool ran at the main thread's priority and took its share from live deltas. Falls back to
 * the libuv pool if the thread cannot start or dies.
 */
import { promisify } from "node:util";
import { Worker } from "node:worker_threads";
import { deflate } from "node:zlib";

const deflateAsync = promisify(deflate);

/** CommonJS source, evaluated (runs the same in tsx, Vitest and the esbuild bundle) */
const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { deflateSync } = require("node:zlib");
try { require("node:os").setPriority(19); } catch {}
parentPort.on("message", (m) => {
  try {
    const out = deflateSync(m.raw, { level: workerData.level });
    parentPort.postMessage({ id: m.id, out }); // copied: a small result may sit in Buffer's shared pool
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

export class DeflateThread {
  private worker?: Worker;
  private readonly waiting = new Map<number, { ok: (b: Buffer) => void; fail: (e: Error) => void }>();
  private n = 0;

  constructor(private readonly level: number) {
    try {
      const w = new Worker(SOURCE, { eval: true, workerData: { level } });
      w.on("message", (m: { id: number; out?: Uint8Array; error?: string }) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.out) p?.ok(Buffer.from(m.out.buffer, m.out.byteOffset, m.out.byteLength));
        else p?.fail(new Error(m.error ?? "deflate failed"));
      });
      w.on("error", (e) => this.lost(e));
      w.on("exit", () => this.lost(new Error("deflate thread exited")));
      this.worker = w;
    } catch {
      this.worker = undefined;
    }
  }

  private lost(e: Error) {
    this.worker = undefined;
    for (const p of this.waiting.values()) p.fail(e);
    this.waiting.clear();
  }

  compress(raw: Buffer): Promise<Buffer> {
    const w = this.worker;
    if (!w) return deflateAsync(raw, { level: this.level });
    const id = ++this.n;
    return new Promise<Buffer>((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      w.postMessage({ id, raw });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
