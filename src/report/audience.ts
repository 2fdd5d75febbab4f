import type { ReportOrder, WatchSpan } from '../domain/report.js';

const MINUTE = 60_000;

/**
 * A week of minutes at most: a show left "live" by a crash long ago must not make a report of
 * millions of rows (what comes later falls into the last minute).
 */
export const REPORT_MINUTES_MAX = 7 * 24 * 60;

/** the stream minutes of a show that ran from `from` to `to` (at least one) */
export function minutesOf(from: number, to: number): number {
  return Math.min(REPORT_MINUTES_MAX, Math.max(1, Math.ceil((to - from) / MINUTE)));
}

/** the stream minutes a span overlaps, within the show (end exclusive: 0-60 000 is minute 0 only) */
function minuteRange(start: number, end: number, from: number, to: number, minutes: number): [number, number] | null {
  const s = Math.max(start, from);
  const e = Math.min(end, to);
  if (e < s) return null;
  const first = Math.floor((s - from) / MINUTE);
  const last = e > s ? Math.floor((e - 1 - from) / MINUTE) : first;
  return [Math.min(first, minutes - 1), Math.min(last, minutes - 1)];
}

export interface ViewerFigures {
  perMinute: Array<{ minute: number; viewers: number }>;
  /** the most distinct viewers watching within one minute */
  peak: number;
  peakMinute: number;
  averageWatchMs: number;
  medianWatchMs: number;
  /** distinct viewers who watched the live show */
  unique: number;
}

/**
 * Viewers over stream time from the watch sessions (signed-in viewers: a session is opened
 * when they connect and kept current while they stay). Each minute counts the distinct viewers
 * watching during it; watch time is per viewer, overlapping sessions (two tabs) counted once,
 * within the live show only.
 */
export function viewerFigures(spans: readonly WatchSpan[], from: number, to: number): ViewerFigures {
  const minutes = minutesOf(from, to);
  const perMinute = Array.from({ length: minutes }, () => new Set<string>());
  const byViewer = new Map<string, Array<[number, number]>>();
  for (const span of spans) {
    const range = minuteRange(span.joinedAt, span.lastSeenAt, from, to, minutes);
    if (!range) continue;
    for (let m = range[0]; m <= range[1]; m++) perMinute[m]!.add(span.viewerId);
    const list = byViewer.get(span.viewerId) ?? [];
    list.push([Math.max(span.joinedAt, from), Math.min(span.lastSeenAt, to)]);
    byViewer.set(span.viewerId, list);
  }
  const watch = [...byViewer.values()].map(mergedLength).sort((a, b) => a - b);
  let peak = 0;
  let peakMinute = 0;
  perMinute.forEach((set, m) => {
    if (set.size > peak) [peak, peakMinute] = [set.size, m];
  });
  return {
    perMinute: perMinute.map((set, minute) => ({ minute, viewers: set.size })),
    peak,
    peakMinute,
    averageWatchMs: watch.length > 0 ? Math.round(watch.reduce((a, b) => a + b, 0) / watch.length) : 0,
    medianWatchMs: median(watch),
    unique: watch.length,
  };
}

/** the time covered by intervals, overlaps once */
function mergedLength(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [s, e] = sorted[0]!;
  for (const [a, b] of sorted.slice(1)) {
    if (a > e) {
      total += e - s;
      [s, e] = [a, b];
    } else e = Math.max(e, b);
  }
  return total + (e - s);
}

/** of sorted values; the mean of the middle two for an even count, rounded */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

export interface OrderFigures {
  perMinute: Array<{ minute: number; orders: number; revenue: number }>;
  count: number;
  revenue: number;
  currency: string;
}

/**
 * Orders and revenue per stream minute of the live show (orders from the replay, after the
 * end, are not live sales). Revenue is in one currency, the one most orders were placed in;
 * orders in another currency are counted, their money is not added.
 */
export function orderFigures(orders: readonly ReportOrder[], from: number, to: number, fallbackCurrency: string): OrderFigures {
  const minutes = minutesOf(from, to);
  const live = orders.filter((o) => o.createdAt >= from && o.createdAt <= to);
  const currency = mainCurrency(live) ?? fallbackCurrency;
  const perMinute = Array.from({ length: minutes }, (_, minute) => ({ minute, orders: 0, revenue: 0 }));
  let revenue = 0;
  for (const o of live) {
    const bucket = perMinute[Math.min(minutes - 1, Math.floor((o.createdAt - from) / MINUTE))]!;
    bucket.orders++;
    if (o.currency === currency) {
      bucket.revenue += o.total;
      revenue += o.total;
    }
  }
  return { perMinute, count: live.length, revenue, currency };
}

export function mainCurrency(orders: readonly ReportOrder[]): string | null {
  const counts = new Map<string, number>();
  for (const o of orders) counts.set(o.currency, (counts.get(o.currency) ?? 0) + 1);
  let best: string | null = null;
  for (const [currency, n] of counts) if (best === null || n > counts.get(best)!) best = currency;
  return best;
}
