/**
 * Progress of a long import: a cli-progress bar with rate and time left on a terminal; plain periodic lines where
 * there is no TTY (CI, logs); nothing when quiet (tests).
 */
import cliProgress from "cli-progress";

export interface Progress {
  start(total: number, what: string): void;
  update(done: number): void;
  stop(): void;
}

export const silentProgress: Progress = { start() {}, update() {}, stop() {} };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, everyMs = 5000): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: " {what} [{bar}] {percentage}% {value}/{total} | {rate}/s | ETA {eta_formatted}",
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let t0 = 0;
    return {
      start(total, what) {
        t0 = Date.now();
        bar.start(total, 0, { what, rate: 0 });
      },
      update(done) {
        bar.update(done, { rate: Math.round(done / Math.max(0.001, (Date.now() - t0) / 1000)) });
      },
      stop: () => bar.stop(),
    };
  }
  let t0 = 0;
  let last = 0;
  let total = 0;
  let label = "";
  return {
    start(n, what) {
      [t0, last, total, label] = [Date.now(), Date.now(), n, what];
    },
    update(done) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      const rate = done / ((now - t0) / 1000);
      const left = rate > 0 ? Math.round((total - done) / rate) : 0;
      stream.write(`${label}: ${done}/${total} (${Math.round(rate)}/s, ~${left} s left)\n`);
    },
    stop() {},
  };
}
