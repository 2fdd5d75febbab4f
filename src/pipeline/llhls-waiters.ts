/**
 * Blocking playlist reloads held for one rendition (RFC 8216bis 6.2.5.2): each parked request
 * is an entry in a list, not a thread or a poll; every change of the rendition's state wakes
 * those it now satisfies, once. A request still waiting after the timeout gets its timeout
 * callback (the server answers 503).
 *
 * Prototype for issue 17 (docs/llhls-design.md); not wired into the server yet.
 */
import { blockingVerdict, type LlMediaState } from './llhls-playlist.js';

interface Waiter {
  msn: number;
  part: number | null;
  ready: () => void;
  timeout: () => void;
  timer: NodeJS.Timeout;
}

export class BlockingWaiters {
  private readonly waiting = new Set<Waiter>();

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.waiting.size;
  }

  /**
   * Holds a request until `wake` finds its segment or part (check `blockingVerdict` first: a
   * request that asks too far ahead is refused, not parked). Returns a cancel function for a
   * client that went away. Callbacks run at most once, and their errors stay theirs.
   */
  park(msn: number, part: number | null, ready: () => void, timeout: () => void): () => void {
    const waiter: Waiter = {
      msn,
      part,
      ready,
      timeout,
      timer: setTimeout(() => {
        if (this.waiting.delete(waiter)) runContained(waiter.timeout);
      }, this.timeoutMs),
    };
    this.waiting.add(waiter);
    return () => {
      clearTimeout(waiter.timer);
      this.waiting.delete(waiter);
    };
  }

  /** Answers every waiter the state now satisfies; returns how many. */
  wake(state: LlMediaState): number {
    let woken = 0;
    for (const waiter of this.waiting) {
      if (blockingVerdict(state, waiter.msn, waiter.part) === 'hold') continue;
      clearTimeout(waiter.timer);
      this.waiting.delete(waiter);
      runContained(waiter.ready);
      woken += 1;
    }
    return woken;
  }

  /** Stops holding anything (the show stopped): each waiter gets its ready callback. */
  releaseAll(): void {
    for (const waiter of this.waiting) {
      clearTimeout(waiter.timer);
      runContained(waiter.ready);
    }
    this.waiting.clear();
  }
}

function runContained(callback: () => void): void {
  try {
    callback();
  } catch {
    // a failing reply (socket gone) must not stop the other waiters from being answered
  }
}
