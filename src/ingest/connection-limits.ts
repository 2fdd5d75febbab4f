import type { Logger } from '../log/logger.js';

/**
 * RTMP connection caps: all addresses together and per address. A flood is refused at accept
 * (the socket destroyed before any byte is read); the refusals are logged once per interval, as
 * a count, so a flood cannot flood the log too.
 */
export class ConnectionLimits {
  private total = 0;
  private readonly perAddress = new Map<string, number>();
  private refused = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly caps: { maxConnections: number; maxConnectionsPerAddress: number },
    private readonly log: Logger,
    reportEveryMs = 10_000,
  ) {
    this.timer = setInterval(() => this.report(), reportEveryMs);
    this.timer.unref();
  }

  admit(address: string): boolean {
    const mine = this.perAddress.get(address) ?? 0;
    if (this.total >= this.caps.maxConnections || mine >= this.caps.maxConnectionsPerAddress) {
      this.refused += 1;
      return false;
    }
    this.total += 1;
    this.perAddress.set(address, mine + 1);
    return true;
  }

  release(address: string): void {
    const mine = this.perAddress.get(address) ?? 0;
    if (mine <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, mine - 1);
    this.total = Math.max(0, this.total - 1);
  }

  stop(): void {
    clearInterval(this.timer);
    this.report();
  }

  private report(): void {
    if (this.refused === 0) return;
    this.log.warn({ refused: this.refused, open: this.total, ...this.caps }, 'RTMP connections refused: cap reached');
    this.refused = 0;
  }
}
