import { csvCell } from '../commerce/order-csv.js';
import type { ShowReportData } from './show-report.js';

/** the report's tables, each one CSV (`GET /api/shows/:id/report/<table>.csv`) */
export const reportTables = ['viewers', 'orders', 'products', 'questions', 'mentions', 'bursts', 'restock', 'comparison'] as const;
export type ReportTable = (typeof reportTables)[number];

type Cell = string | number | null;

function csv(header: readonly string[], rows: readonly Cell[][]): string {
  return [header.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n') + '\r\n';
}

/**
 * One table of the report as CSV, text cells guarded against formula injection like the
 * orders export (a chat word or a question typed "=HYPERLINK(...)" stays text). Money is in
 * minor units, with its currency in a column.
 */
export function reportCsv(report: ShowReportData, table: ReportTable): string {
  const titleOf = new Map(report.products.map((p) => [p.productId, p.title]));
  switch (table) {
    case 'viewers':
      return csv(['minute', 'viewers'], report.viewers.perMinute.map((m) => [m.minute, m.viewers]));
    case 'orders':
      return csv(['minute', 'orders', 'revenue', 'currency'], report.orders.perMinute.map((m) => [m.minute, m.orders, m.revenue, report.orders.currency]));
    case 'products':
      return csv(
        ['productId', 'title', 'pinnedMs', 'viewersWhilePinned', 'ordersWhilePinned', 'conversion', 'mentions', 'demoRequests', 'orders', 'stockLeft', 'demand', 'restockRank'],
        report.products.map((p) => [p.productId, p.title, p.pinnedMs, p.viewersWhilePinned, p.ordersWhilePinned, p.conversion, p.mentions, p.demoRequests, p.orders, p.stockLeft, p.demand, p.restockRank]),
      );
    case 'questions':
      return csv(['id', 'kind', 'text', 'productId', 'productTitle', 'votes', 'answered'], report.questions.map((q) => [q.id, q.kind, q.text, q.productId, q.productId ? (titleOf.get(q.productId) ?? null) : null, q.votes, q.answered ? 'yes' : 'no']));
    case 'mentions':
      return csv(['productId', 'title', 'mentions', 'viewers'], report.mentions.map((m) => [m.productId, titleOf.get(m.productId) ?? null, m.count, m.viewers]));
    case 'bursts':
      return csv(['word', 'viewers', 'startMs', 'endMs'], report.bursts.map((b) => [b.word, b.viewers, b.startMs, b.endMs]));
    case 'restock':
      return csv(['rank', 'productId', 'title', 'demand', 'stockLeft', 'score'], report.restock.map((r, i) => [i + 1, r.productId, r.title, r.demand, r.stockLeft, r.score]));
    case 'comparison': {
      const avg = report.previous.averages;
      const keys = Object.keys(report.figures) as Array<keyof ShowReportData['figures']>;
      return csv(['figure', 'thisShow', 'previousAverage', 'previousShows'], keys.map((k) => [k, report.figures[k], avg ? avg[k] : null, report.previous.shows]));
    }
  }
}
