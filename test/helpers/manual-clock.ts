import type { SetTimer } from '../../src/pipeline/process-pool.js';

/**
 * A clock whose time moves only when the test advances it: now() and timers that fire, in
 * time order, inside advance(). The process pool and its supervisors take it, so a backoff or a
 * stop grace of seconds is tested in microseconds.
 */
export function manualClock(start = 0) {
  let now = start;
  const timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  const setTimer: SetTimer = (fn, ms) => {
    const timer = { at: now + ms, fn, cancelled: false };
    timers.push(timer);
    return () => void (timer.cancelled = true);
  };
  const due = () => timers.filter((x) => !x.cancelled && x.at <= now).sort((a, b) => a.at - b.at);
  return {
    setTimer,
    now: () => now,
    pending: () => timers.filter((x) => !x.cancelled && x.at > now).length,
    advance(ms: number) {
      now += ms;
      // a timer that sets another one due by now runs in the same advance
      for (let batch = due(); batch.length; batch = due()) {
        for (const timer of batch) {
          timer.cancelled = true;
          timer.fn();
        }
      }
    },
  };
}
