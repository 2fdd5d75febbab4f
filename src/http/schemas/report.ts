import { Type } from '@sinclair/typebox';
import { BURST_LIMITS } from '../../report/show-report.js';
import { reportTables } from '../../report/report-csv.js';
import { ID_PATTERN, IsoTime, Nullable } from './common.js';

const Int = Type.Integer();

const Figures = Type.Object({
  durationMs: Int,
  peakViewers: Int,
  uniqueViewers: Int,
  averageWatchMs: Int,
  medianWatchMs: Int,
  orders: Int,
  revenue: Int,
  ordersPerMinute: Type.Number(),
  revenuePerMinute: Int,
});

export const ReportQuery = Type.Object(
  {
    burstViewers: Type.Optional(Type.Integer({ minimum: BURST_LIMITS.burstViewers.min, maximum: BURST_LIMITS.burstViewers.max, description: 'a burst: at least this many distinct viewers typed the word (default 10)' })),
    burstSeconds: Type.Optional(Type.Integer({ minimum: BURST_LIMITS.burstSeconds.min, maximum: BURST_LIMITS.burstSeconds.max, description: '... within this many seconds (default 30)' })),
  },
  { additionalProperties: false },
);

export const ReportCsvParams = Type.Object({
  id: Type.String({ pattern: ID_PATTERN }),
  table: Type.Union(reportTables.map((t) => Type.Literal(t)), { description: 'the table' }),
});

export const ShowReportSchema = Type.Object({
  showId: Type.String(),
  title: Type.String(),
  host: Type.String(),
  startedAt: IsoTime,
  endedAt: Nullable(IsoTime),
  durationMs: Int,
  burstViewers: Int,
  burstSeconds: Int,
  figures: Figures,
  viewers: Type.Object({
    perMinute: Type.Array(Type.Object({ minute: Int, viewers: Int })),
    peak: Int,
    peakMinute: Int,
    averageWatchMs: Int,
    medianWatchMs: Int,
    unique: Int,
  }),
  orders: Type.Object({
    perMinute: Type.Array(Type.Object({ minute: Int, orders: Int, revenue: Int })),
    count: Int,
    revenue: Int,
    currency: Type.String(),
  }),
  products: Type.Array(
    Type.Object({
      productId: Type.String(),
      title: Type.String(),
      pinnedMs: Int,
      viewersWhilePinned: Int,
      ordersWhilePinned: Int,
      conversion: Nullable(Type.Number()),
      mentions: Int,
      demoRequests: Int,
      orders: Int,
      stockLeft: Int,
      demand: Int,
      restockRank: Nullable(Int),
    }),
  ),
  questions: Type.Array(Type.Object({ id: Type.String(), kind: Type.Union([Type.Literal('question'), Type.Literal('demo')]), text: Type.String(), productId: Nullable(Type.String()), votes: Int, answered: Type.Boolean() })),
  mentions: Type.Array(Type.Object({ productId: Type.String(), count: Int, viewers: Int })),
  bursts: Type.Array(Type.Object({ word: Type.String(), viewers: Int, startMs: Int, endMs: Int })),
  restock: Type.Array(Type.Object({ productId: Type.String(), title: Type.String(), demand: Int, stockLeft: Int, score: Type.Number() })),
  previous: Type.Object({ shows: Int, showIds: Type.Array(Type.String()), averages: Nullable(Figures) }),
});

/** the body's own bounds are loose on purpose: the alias rules answer 422 INVALID_ALIASES naming each entry */
export const AliasesBody = Type.Object({ aliases: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 200 }) }, { additionalProperties: false });
export const AliasesSchema = Type.Object({ aliases: Type.Array(Type.String()) });
