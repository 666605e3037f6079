/**
 * kill -9 while the history is being written: the restarted gateway opens the store (SQLite WAL), restores the
 * last written state, and what is lost is at most the block being buffered plus the one in flight (block period
 * 1 s wall = 120 s of history at SIM_SPEED 120).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, getJson, sleep, startGateway, type GatewayProc } from "./harness";

interface Range {
  from?: number;
  to?: number;
  now: number;
  blockMs: number;
}

describe("history survives kill -9", () => {
  const file = join(mkdtempSync(join(tmpdir(), "rt-history-kill-")), "history.db");
  let gw: GatewayProc | undefined;
  afterAll(async () => gw?.kill());

  it("restarts on the same file, losing at most one block period of history", async () => {
    const port = await freePort();
    gw = await startGateway(port, { HISTORY_URL: file });
    await sleep(3000);
    const seen = await getJson<Range>(`${gw.url}/api/history/range`);
    expect(seen.to).toBeGreaterThan(seen.from!);
    await gw.kill("SIGKILL");
    gw = await startGateway(port, { HISTORY_URL: file });
    const after = await getJson<Range>(`${gw.url}/api/history/range`);
    const lostHistoryMs = Math.max(0, seen.now - after.to!);
    const lostWallMs = lostHistoryMs / 120;
    console.log(`[history-kill] lost ${Math.round(lostWallMs)} ms of wall time (block period ${seen.blockMs} ms)`);
    expect(lostWallMs).toBeLessThanOrEqual(2 * seen.blockMs + 500);
    // the restored state is the stored state at the end of the range (digest includes seq)
    const health = await getJson<{ layers: Record<string, { seq: number }> }>(`${gw.url}/api/health`);
    const stored = await getJson<{ snapshots: { layer: string; seq: number }[] }>(
      `${gw.url}/api/history/state?t=${after.to}`,
    );
    for (const s of stored.snapshots) expect(health.layers[s.layer].seq).toBeGreaterThanOrEqual(s.seq);
    await sleep(1500);
    const later = await getJson<Range>(`${gw.url}/api/history/range`);
    expect(later.to!).toBeGreaterThan(after.to!); // writing again
  }, 90_000);
});
