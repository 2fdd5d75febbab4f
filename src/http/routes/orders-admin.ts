import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ordersCsv } from '../../commerce/order-csv.js';
import type { Orders } from '../../commerce/orders.js';
import type { ShowStatsReport } from '../../commerce/show-stats.js';
import { orderToWire } from '../../domain/order.js';
import type { OrderListFilter } from '../../domain/ports.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { CsvQuery, OrderDetailSchema, OrderListQuery, OrderListSchema, OrderSchema, ShipBody, ShowStatsSchema } from '../schemas/orders.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema, 502: ErrorResponseSchema };
const security = [{ bearer: [] }];
/** the most rows one CSV export holds (a filter narrows a bigger shop's export) */
const CSV_MAX_ROWS = 50_000;

interface ListQuery {
  showId?: string;
  status?: OrderListFilter['status'];
  productId?: string;
  from?: string;
  to?: string;
}

const filterOf = (q: ListQuery, limit: number, before?: string): OrderListFilter => ({
  limit,
  ...(q.showId !== undefined ? { showId: q.showId } : {}),
  ...(q.status !== undefined ? { status: q.status } : {}),
  ...(q.productId !== undefined ? { productId: q.productId } : {}),
  ...(q.from !== undefined ? { from: Date.parse(q.from) } : {}),
  ...(q.to !== undefined ? { to: Date.parse(q.to) } : {}),
  ...(before !== undefined ? { before } : {}),
});

/** The merchant's order routes: the list, the detail, the export and the fulfilment steps. */
export const merchantOrderRoutes: FastifyPluginAsyncTypebox<{ orders: Orders; stats: ShowStatsReport; admin: AdminScope }> = async (scope, { orders, stats, admin }) => {
  await admin(scope);
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/shows/:id/orders', { schema: { tags: ['orders'], summary: "A show's orders", security, params: IdParams, response: { 200: Type.Array(OrderSchema), ...errors } } }, async (request) =>
    orders.listForShow(request.params.id).map(orderToWire),
  );
  app.get(
    '/api/shows/:id/stats',
    { schema: { tags: ['orders'], summary: 'Orders and revenue per minute and per product, and sales while each product was pinned', security, params: IdParams, response: { 200: ShowStatsSchema, ...errors } } },
    async (request) => stats.build(request.params.id),
  );
  app.get(
    '/api/orders',
    { schema: { tags: ['orders'], summary: 'Orders of every show, newest first, filtered; `next` pages on (as `before`)', security, querystring: OrderListQuery, response: { 200: OrderListSchema, ...errors } } },
    async (request) => {
      const page = orders.list(filterOf(request.query, request.query.limit ?? 50, request.query.before));
      return { orders: page.orders.map(orderToWire), next: page.next };
    },
  );
  app.get(
    '/api/orders.csv',
    { schema: { tags: ['orders'], summary: 'The filtered orders as CSV, one row per order (cells a spreadsheet would run as a formula start with \')', security, querystring: CsvQuery } },
    async (request, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="orders.csv"')
        .send(ordersCsv(orders.list(filterOf(request.query, CSV_MAX_ROWS)).orders)),
  );
  app.get('/api/orders/:id/detail', { schema: { tags: ['orders'], summary: 'An order with its buyer, product, variant and the recording at its moment', security, params: IdParams, response: { 200: OrderDetailSchema, ...errors } } }, async (request) =>
    orderToWire(orders.detail(request.params.id)),
  );
  app.post('/api/orders/:id/mark-paid', { schema: { tags: ['orders'], summary: 'A manual payment was received: pending -> paid (409 ORDER_STATE for provider orders, ORDER_EXPIRED after the hold)', security, params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
    orderToWire(orders.markPaid(request.params.id)),
  );
  app.post('/api/orders/:id/ship', { schema: { tags: ['orders'], summary: 'Shipped with a carrier and tracking number: paid -> shipped', security, params: IdParams, body: ShipBody, response: { 200: OrderSchema, ...errors } } }, async (request) =>
    orderToWire(orders.ship(request.params.id, request.body)),
  );
  app.post('/api/orders/:id/refund', { schema: { tags: ['orders'], summary: 'Refund a paid or shipped order (through the provider for card payments)', security, params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
    orderToWire(await orders.refund(request.params.id)),
  );
  app.post('/api/orders/:id/cancel-by-merchant', { schema: { tags: ['orders'], summary: 'Cancel any pending order; its stock goes back', security, params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
    orderToWire(orders.cancel(request.params.id)),
  );
};
