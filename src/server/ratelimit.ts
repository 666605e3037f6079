/** Token bucket: `rate` messages per second sustained, bursts up to `burst`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Token buckets per key (the REST client's address), at most `maxKeys` remembered (least recently used
 * forgotten first), so a flood of distinct addresses cannot grow memory without bound.
 */
export class KeyedLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {}
  take(key: string, now = Date.now()): boolean {
    let b = this.buckets.get(key);
    if (b) this.buckets.delete(key);
    else {
      b = new TokenBucket(this.rate, this.burst, now);
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, b);
    return b.take(now);
  }
  get size(): number {
    return this.buckets.size;
  }
}
