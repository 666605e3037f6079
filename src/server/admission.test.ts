import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { Admission } from "./admission";
import { sleep } from "../../tests/faults/harness";
import { HostPolicy, OriginPolicy } from "./security";

const req = (host: string) =>
  ({ headers: { host }, socket: { remoteAddress: "10.0.0.9" } }) as unknown as IncomingMessage;

describe("Admission", () => {
  it("logs refusals as one line per period with counts by reason, not one line each", async () => {
    const lines: string[] = [];
    const a = new Admission(new HostPolicy([], "127.0.0.1"), new OriginPolicy([], false), 0, (m) => lines.push(m), 200);
    const answers: (string | null | undefined)[] = [];
    for (let k = 0; k < 300; k++) a.allowRequest(req("127.0.0.1:8080"), (err) => answers.push(err));
    for (let k = 0; k < 2; k++) a.allowRequest(req("rebind.evil.example"), (err) => answers.push(err));
    expect(answers[0]).toBe("too many connections from this address (limit 0)");
    expect(answers.at(-1)).toBe("host not allowed");
    expect(a.refusedForCount).toBe(300);
    expect(lines).toEqual([]);
    await sleep(400);
    expect(lines).toEqual([
      "socket handshakes refused in the last 0.2 s: 300 too many connections from this address; 2 host not allowed",
    ]);
    a.stop();
  });
});
