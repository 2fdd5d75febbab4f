/** A rate with a burst: `capacity` at once, then one more every `1000 / perSecond` ms. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes one token when there is one; otherwise says how long until there will be. */
  take(now: number): { ok: true } | { ok: false; retryInMs: number } {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryInMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) };
  }
}
