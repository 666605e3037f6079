import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { makeFixture } from "../testing/fixture";
import { sleep } from "../testing/wait";
import { createGateway } from "./gateway";

const data = makeFixture({ sites: 20, datacentres: 2, chargers: 4, roads: 1, sensorsPerRoad: 4 });

/** what keeps the event loop alive, by kind */
function activeResources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** the kinds of resource there are more of now than in `before` */
function grownSince(before: Record<string, number>): Record<string, number> {
  const now = activeResources();
  return Object.fromEntries(Object.entries(now).filter(([k, n]) => n > (before[k] ?? 0)));
}

describe("gateway lifecycle", () => {
  let blocker: Server | undefined;
  afterAll(() => new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r())));

  it("closing a started gateway leaves no timers or sockets behind", async () => {
    await sleep(50);
    const before = activeResources();
    const gw = await createGateway({ data, simSpeed: 60, simReportMs: 200, log: () => {} });
    await sleep(300);
    expect(gw.runner?.running).toBe(true);
    await gw.close();
    await sleep(100);
    expect(grownSince(before)).toEqual({});
  });

  it("closing removes the listeners it added to the HTTP server and the socket engine", async () => {
    const credentials = { chargePoints: { [data.chargers[0].id]: "pw-".padEnd(24, "x") }, unknownDevices: true };
    const gw = await createGateway({
      data,
      log: () => {},
      feeds: { ocpp: { credentials, credentialsSource: "test", heartbeatS: 1, tickMs: 100 } },
    });
    const ownUpgrade = gw.app.server.listeners("upgrade").length;
    const ownConnection = gw.io.engine.listeners("connection").length;
    await gw.close();
    // the OCPP upgrade listener and the admission's connection counter are gone
    expect(gw.app.server.listeners("upgrade").length).toBe(ownUpgrade - 1);
    expect(gw.io.engine.listeners("connection").length).toBe(ownConnection - 1);
  });

  it("a gateway that cannot listen rejects, and leaves no timers or sockets behind", async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, "127.0.0.1", r));
    const addr = blocker.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    await sleep(50);
    const before = activeResources();
    await expect(createGateway({ data, port, simSpeed: 60, log: () => {} })).rejects.toThrow(/EADDRINUSE/);
    await sleep(300);
    expect(grownSince(before)).toEqual({});
  });
});
