/**
 * Connection setup in small slices: the first messages a new socket gets (hello and the alarm list — the list is
 * encoded once per socket) are sent at most `perTurn` sockets per event-loop turn, so a burst of handshakes (one
 * address opening its whole allowance at once, many pages reconnecting after a restart) is spread over several
 * turns and the live deltas to everyone else go out in between.
 */
export class SetupQueue {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;

  constructor(private readonly perTurn = 4) {}

  /** Run `task` in a later turn, after at most the tasks already queued. */
  add(task: () => void): void {
    this.queue.push(task);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  private drain(): void {
    for (let k = 0; k < this.perTurn && this.queue.length; k++) this.queue.shift()!();
    if (this.queue.length) setImmediate(() => this.drain());
    else this.scheduled = false;
  }
}
