import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Orders } from '../../commerce/orders.js';
import type { ShowStatsReport } from '../../commerce/show-stats.js';
import type { Viewers } from '../../commerce/viewers.js';
import { HawkerError } from '../../domain/errors.js';
import type { Order, Viewer } from '../../domain/order.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { IdempotencyHeaders, NewViewer, NewViewerBody, OrderSchema, PlaceOrderBody, ShowStatsSchema } from '../schemas/orders.js';
import type { AdminScope } from './admin-scope.js';

const orderToBody = (o: Order) => ({ ...o, createdAt: new Date(o.createdAt).toISOString(), updatedAt: new Date(o.updatedAt).toISOString() });

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };
const viewerSecurity = [{ viewer: [] }];

export interface CommerceRoutesOptions {
  viewers: Viewers;
  orders: Orders;
  stats: ShowStatsReport;
  admin: AdminScope;
  viewerRateLimitPerMinute: number;
}

/**
 * The viewer behind each request, looked up once: the rate limit (keyed by the viewer's id when
 * the token is one of ours, else the address) and the handler share it, so an order costs one
 * token hash and one viewer read, not two.
 */
function viewerOfRequest(viewers: Pick<Viewers, 'fromAuthorization'>) {
  const known = new WeakMap<FastifyRequest, Viewer | null>();
  const lookUp = (request: FastifyRequest): Viewer | null => {
    let viewer = known.get(request);
    if (viewer === undefined) {
      viewer = viewers.fromAuthorization(request.headers.authorization) ?? null;
      known.set(request, viewer);
    }
    return viewer;
  };
  return {
    rateKey: (request: FastifyRequest): string => {
      const viewer = lookUp(request);
      return viewer ? `viewer:${viewer.id}` : `ip:${request.ip}`;
    },
    /** the signed-in viewer, or 401 INVALID_VIEWER_TOKEN */
    require: (request: FastifyRequest): Viewer => {
      const viewer = lookUp(request);
      if (!viewer) throw new HawkerError('INVALID_VIEWER_TOKEN');
      return viewer;
    },
  };
}

/** Viewer routes (registration, orders) and the merchant's order routes. */
export const commerceRoutes: FastifyPluginAsyncTypebox<CommerceRoutesOptions> = async (app, { viewers, orders, stats, admin, viewerRateLimitPerMinute }) => {
  // Signing up is limited per client address only: a token (even a valid one, from an earlier
  // sign-up) must not open a fresh counter, or each new viewer would mint the next.
  await app.register(async (scope) => {
    const signup = scope.withTypeProvider<TypeBoxTypeProvider>();
    signup.addHook('onRequest', signup.rateLimit({ max: viewerRateLimitPerMinute, timeWindow: 60_000, keyGenerator: (request) => `ip:${request.ip}` }));
    signup.post(
      '/api/viewers',
      {
        schema: {
          tags: ['viewers'],
          summary: 'Become a viewer: a name to chat and buy with, and the token viewer routes take',
          body: NewViewerBody,
          response: { 201: NewViewer, ...errors },
        },
      },
      async (request, reply) => {
        const { viewer, token } = viewers.register(request.body.displayName);
        return reply.status(201).send({ viewerId: viewer.id, displayName: viewer.displayName, token });
      },
    );
  });

  // The other viewer routes are limited per viewer where a valid token is presented (a show's
  // buyers can share one address), else per address: never by a header the client makes up.
  await app.register(async (scope) => {
    const viewerApp = scope.withTypeProvider<TypeBoxTypeProvider>();
    const viewer = viewerOfRequest(viewers);
    viewerApp.addHook(
      'onRequest',
      viewerApp.rateLimit({
        max: viewerRateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: viewer.rateKey,
      }),
    );

    viewerApp.post(
      '/api/shows/:id/orders',
      {
        schema: {
          tags: ['orders'],
          summary: 'Buy: stock is taken at once and never oversold; the same Idempotency-Key replays the same answer',
          security: viewerSecurity,
          params: IdParams,
          headers: IdempotencyHeaders,
          body: PlaceOrderBody,
          response: { 201: OrderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { order } = await orders.place({
          showId: request.params.id,
          viewerId: viewer.require(request).id,
          productId: request.body.productId,
          quantity: request.body.quantity,
          idempotencyKey: request.headers['idempotency-key'],
          ...(request.body.couponCode !== undefined ? { couponCode: request.body.couponCode } : {}),
          ...(request.body.price !== undefined ? { expectedUnitPrice: request.body.price } : {}),
        });
        return reply.status(201).send(orderToBody(order));
      },
    );

    viewerApp.get('/api/orders/:id', { schema: { tags: ['orders'], summary: "A viewer's own order", security: viewerSecurity, params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
      orderToBody(orders.get(request.params.id, viewer.require(request).id)),
    );
    viewerApp.post('/api/orders/:id/pay', { schema: { tags: ['orders'], summary: 'Pay (a stub payment step)', security: viewerSecurity, params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
      orderToBody(orders.pay(request.params.id, viewer.require(request).id)),
    );
    viewerApp.post('/api/orders/:id/cancel', { schema: { tags: ['orders'], summary: 'Cancel a pending order; its stock goes back', security: viewerSecurity, params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
      orderToBody(orders.cancel(request.params.id, viewer.require(request).id)),
    );
  });

  await app.register(async (scope) => {
    await admin(scope);
    const merchant = scope.withTypeProvider<TypeBoxTypeProvider>();
    merchant.get('/api/shows/:id/orders', { schema: { tags: ['orders'], summary: "A show's orders", security: [{ bearer: [] }], params: IdParams, response: { 200: Type.Array(OrderSchema), ...errors } } }, async (request) =>
      orders.listForShow(request.params.id).map(orderToBody),
    );
    merchant.get(
      '/api/shows/:id/stats',
      { schema: { tags: ['orders'], summary: 'Orders and revenue per minute and per product, and sales while each product was pinned', security: [{ bearer: [] }], params: IdParams, response: { 200: ShowStatsSchema, ...errors } } },
      async (request) => stats.build(request.params.id),
    );
    merchant.post('/api/orders/:id/refund', { schema: { tags: ['orders'], summary: 'Refund a paid order', security: [{ bearer: [] }], params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
      orderToBody(orders.refund(request.params.id)),
    );
    merchant.post('/api/orders/:id/cancel-by-merchant', { schema: { tags: ['orders'], summary: 'Cancel any pending order; its stock goes back', security: [{ bearer: [] }], params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
      orderToBody(orders.cancel(request.params.id)),
    );
  });
};
