/**
 * GET /api/history/outages through an in-process gateway (ingest only, SQLite history): sites faulted and cleared
 * through the ingest API come back as the recorded outage set over time — the set at `from`, then each flip —
 * with the API's validation and roles.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OutageHistory } from "../../src/protocol/history";
import { TokensConfig } from "../../src/server/config";
import { createGateway, type Gateway } from "../../src/server/gateway";
import { DATA, IDS, INGEST, sleep, TOKENS, until, VIEWER } from "../faults/harness";

describe("outage history over the REST API", () => {
  let gw: Gateway | undefined;
  afterAll(async () => gw?.close());

  it("faults and clears through ingest come back as the down set at `from` and its flips", async () => {
    gw = await createGateway({
      data: DATA,
      source: "ingest",
      simSpeed: 0,
      tokens: TokensConfig.parse(TOKENS),
      log: () => {},
      history: { url: join(mkdtempSync(join(tmpdir(), "rt-outages-int-")), "h.db"), blockMs: 100 },
    });
    const g = gw;
    const ingest = async (records: unknown[]) => {
      const r = await fetch(`${g.url}/api/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${INGEST}` },
        body: JSON.stringify({ records }),
      });
      expect(r.status, await r.clone().text()).toBe(200);
    };
    const [a, b, c] = IDS.sites;
    // history time is the gateway's receipt time of each batch (the record's ts is its measurement time)
    let last = 0;
    const step = async (records: { id: string; status: number }[]) => {
      await sleep(30);
      await ingest(records.map((x) => ({ layer: "sites", ts: Date.now(), ...x })));
      last = await until(() => (g.history!.writer.time > last ? g.history!.writer.time : undefined), 5000, "recorded");
      return last;
    };
    await step([a, b, c].map((id) => ({ id, status: 0 })));
    const t1 = await step([
      { id: a, status: 2 },
      { id: b, status: 3 },
    ]);
    const t2 = await step([{ id: b, status: 2 }]); // offline -> fault: still down
    const t3 = await step([{ id: a, status: 1 }]); // back (warning is in service)
    const t4 = await step([{ id: c, status: 3 }]);
    await g.history!.writer.drain();
    const get = (q: string, token = VIEWER) =>
      fetch(`${g.url}/api/history/outages?${q}`, { headers: { authorization: `Bearer ${token}` } });

    const r = await get(`from=${t1 - 1}&to=${t3}`);
    expect(r.status).toBe(200);
    const body = OutageHistory.parse(await r.json());
    expect(body.down).toEqual([]);
    expect(body.changes).toEqual([
      [t1, a, 1],
      [t1, b, 1],
      [t3, a, 0],
    ]);
    const later = OutageHistory.parse(await (await get(`from=${t2}&to=${t4 + 1000}`)).json());
    expect(later.down.sort()).toEqual([a, b].sort());
    expect(later.changes).toEqual([
      [t3, a, 0],
      [t4, c, 1],
    ]);
    // validation: a reversed window is refused with the field named
    const bad = await get(`from=${t4}&to=${t1}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { reason: string }).reason).toMatch(/to/);
    // nothing recorded by `to`
    expect((await get(`from=0&to=1000`)).status).toBe(404);
  }, 60_000);
});
