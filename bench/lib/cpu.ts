/** CPU ms (user + system) a process has used so far, from /proc (Linux). */
import { readFileSync } from "node:fs";

export function pidusage(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const parts = f.slice(f.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(parts[11]) + Number(parts[12]);
    return (ticks * 1000) / 100; // CLK_TCK = 100 on Linux
  } catch {
    return NaN;
  }
}
