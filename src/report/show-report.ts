import { HawkerError } from '../domain/errors.js';
import { chaptersOf } from '../domain/chapters.js';
import type { ReportSource } from '../domain/report.js';
import type { Show } from '../domain/show.js';
import { orderFigures, viewerFigures, type OrderFigures, type ViewerFigures } from './audience.js';
import { findBursts, type KeywordBurst } from './bursts.js';
import { countMentions, type ProductMentions } from './mentions.js';
import { restockSignal, type RestockRow } from './restock.js';
import { readLines } from './words.js';

/** the scalar figures of one show, the ones compared with the host's previous shows */
export interface ShowFigures {
  durationMs: number;
  peakViewers: number;
  uniqueViewers: number;
  averageWatchMs: number;
  medianWatchMs: number;
  orders: number;
  revenue: number;
  ordersPerMinute: number;
  revenuePerMinute: number;
}

export interface ProductRow {
  productId: string;
  title: string;
  pinnedMs: number;
  viewersWhilePinned: number;
  ordersWhilePinned: number;
  /** buyers of it while it was pinned / viewers watching then; null when nobody watched */
  conversion: number | null;
  mentions: number;
  /** demo requests for it, each with its votes */
  demoRequests: number;
  orders: number;
  stockLeft: number;
  demand: number;
  /** its place in the restock signal (1 = restock first); null when nobody asked for it */
  restockRank: number | null;
}

export interface ShowReportData {
  showId: string;
  title: string;
  host: string;
  startedAt: number;
  endedAt: number | null;
  durationMs: number;
  burstViewers: number;
  burstSeconds: number;
  figures: ShowFigures;
  viewers: ViewerFigures;
  orders: OrderFigures;
  products: ProductRow[];
  questions: Array<{ id: string; kind: 'question' | 'demo'; text: string; productId: string | null; votes: number; answered: boolean }>;
  mentions: ProductMentions[];
  bursts: KeywordBurst[];
  restock: RestockRow[];
  previous: { shows: number; showIds: string[]; averages: ShowFigures | null };
}

export interface BurstParams {
  burstViewers: number;
  burstSeconds: number;
}

export const BURST_DEFAULTS: BurstParams = { burstViewers: 10, burstSeconds: 30 };
/** the bounds the route enforces: fewer than 2 viewers is not a burst, over an hour not a moment */
export const BURST_LIMITS = { burstViewers: { min: 2, max: 100_000 }, burstSeconds: { min: 1, max: 3600 } } as const;

/** how many of the host's previous shows the comparison averages */
export const PREVIOUS_SHOWS_MAX = 10;
/** chat lines the analytics read per show (a huge show's chat beyond this is not scanned) */
export const CHAT_LINES_MAX = 200_000;
const QUESTIONS_MAX = 1000;

const rate = (n: number, ms: number) => Math.round((n / (ms / 60_000)) * 100) / 100;

function figuresOf(durationMs: number, viewers: ViewerFigures, orders: OrderFigures): ShowFigures {
  return {
    durationMs,
    peakViewers: viewers.peak,
    uniqueViewers: viewers.unique,
    averageWatchMs: viewers.averageWatchMs,
    medianWatchMs: viewers.medianWatchMs,
    orders: orders.count,
    revenue: orders.revenue,
    ordersPerMinute: durationMs > 0 ? rate(orders.count, durationMs) : 0,
    revenuePerMinute: durationMs > 0 ? Math.round(orders.revenue / (durationMs / 60_000)) : 0,
  };
}

function average(list: readonly ShowFigures[]): ShowFigures | null {
  if (list.length === 0) return null;
  const keys = Object.keys(list[0]!) as Array<keyof ShowFigures>;
  const out = {} as ShowFigures;
  for (const k of keys) {
    const mean = list.reduce((sum, f) => sum + f[k], 0) / list.length;
    out[k] = k === 'ordersPerMinute' ? Math.round(mean * 100) / 100 : Math.round(mean);
  }
  return out;
}

/**
 * The post-show report of one show: its audience, its sales, how each product sold while
 * pinned, what the chat asked for, and the same figures averaged over the host's previous
 * shows. A live show gets the report so far.
 */
export class ShowReport {
  constructor(
    private readonly shows: { get(id: string): Show | undefined },
    private readonly source: ReportSource,
    private readonly now: () => number = Date.now,
  ) {}

  build(showId: string, params: BurstParams = BURST_DEFAULTS): ShowReportData {
    const show = this.shows.get(showId);
    if (!show) throw new HawkerError('SHOW_NOT_FOUND', `no show with id ${showId}`);
    if (show.startedAt === null) throw new HawkerError('SHOW_NOT_STARTED');
    const from = show.startedAt;
    const to = show.endedAt ?? Math.max(from, this.now());
    const durationMs = to - from;

    // the pin spans are the replay's chapters: one rule for both (issue 15's one clock)
    const spans = chaptersOf(this.source.pinEvents(showId), show).map((s) => ({ ...s, endAt: s.endAt ?? to }));
    const orders = this.source.standingOrders(showId);
    const questions = this.source.questions(showId, QUESTIONS_MAX);
    const productIds = new Set([...spans.map((s) => s.productId), ...orders.map((o) => o.productId), ...questions.flatMap((q) => (q.productId ? [q.productId] : []))]);
    const products = this.source.products(showId, [...productIds]);
    const watch = this.source.watchSpans(showId);
    const lines = readLines(this.source.chatLines(showId, CHAT_LINES_MAX));

    const viewers = viewerFigures(watch, from, to);
    const sales = orderFigures(orders, from, to, products[0]?.currency ?? '');
    const mentions = countMentions(lines, products);
    const mentionsOf = new Map(mentions.map((m) => [m.productId, m.count]));

    const rows = products.map((p) => {
      const own = spans.filter((s) => s.productId === p.id);
      const pinnedMs = own.reduce((sum, s) => sum + (s.endAt - s.startAt), 0);
      const watching = new Set<string>();
      for (const w of watch) if (own.some((s) => w.joinedAt < s.endAt && w.lastSeenAt >= s.startAt)) watching.add(w.viewerId);
      const pinnedOrders = orders.filter((o) => o.productId === p.id && own.some((s) => o.createdAt >= s.startAt && o.createdAt < s.endAt));
      // a buyer who was not seen in a session (a replay tab, a dropped socket) still watched
      const buyers = new Set(pinnedOrders.map((o) => o.viewerId));
      for (const b of buyers) watching.add(b);
      const demoRequests = questions.filter((q) => q.kind === 'demo' && q.productId === p.id).reduce((sum, q) => sum + 1 + q.votes, 0);
      const productOrders = orders.filter((o) => o.productId === p.id).length;
      return {
        productId: p.id,
        title: p.title,
        pinnedMs,
        viewersWhilePinned: watching.size,
        ordersWhilePinned: pinnedOrders.length,
        conversion: watching.size > 0 ? Math.round((buyers.size / watching.size) * 10_000) / 10_000 : null,
        mentions: mentionsOf.get(p.id) ?? 0,
        demoRequests,
        orders: productOrders,
        stockLeft: p.stockLeft,
        demand: 0,
        restockRank: null as number | null,
      };
    });
    const restock = restockSignal(rows.map((r) => ({ productId: r.productId, title: r.title, mentions: r.mentions, demoRequests: r.demoRequests, orders: r.orders, stockLeft: r.stockLeft })));
    const rank = new Map(restock.map((r, i) => [r.productId, i + 1]));
    for (const r of rows) {
      r.demand = r.mentions + r.demoRequests + r.orders;
      r.restockRank = rank.get(r.productId) ?? null;
    }

    const previousShows = show.host ? this.source.previousShows(show.host, from, PREVIOUS_SHOWS_MAX).filter((p) => p.id !== showId) : [];
    const previousFigures = previousShows.map((p) => {
      const d = p.endedAt - p.startedAt;
      // revenue compared in this show's currency
      return figuresOf(d, viewerFigures(this.source.watchSpans(p.id), p.startedAt, p.endedAt), orderFigures(this.source.standingOrders(p.id).filter((o) => o.currency === sales.currency), p.startedAt, p.endedAt, sales.currency));
    });

    return {
      showId,
      title: show.title,
      host: show.host,
      startedAt: from,
      endedAt: show.endedAt,
      durationMs,
      ...params,
      figures: figuresOf(durationMs, viewers, sales),
      viewers,
      orders: sales,
      products: rows.sort((a, b) => b.orders - a.orders || b.mentions - a.mentions || a.title.localeCompare(b.title)),
      questions: [...questions].sort((a, b) => b.votes - a.votes),
      mentions: [...mentions].sort((a, b) => b.count - a.count),
      bursts: findBursts(lines, { minViewers: params.burstViewers, windowMs: params.burstSeconds * 1000 }, from),
      restock,
      previous: { shows: previousShows.length, showIds: previousShows.map((p) => p.id), averages: average(previousFigures) },
    };
  }

}
