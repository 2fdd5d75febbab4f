import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Orders } from '../../commerce/orders.js';
import type { ShowStatsReport } from '../../commerce/show-stats.js';
import type { Viewers } from '../../commerce/viewers.js';
import { orderToWire } from '../../domain/order.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { IdempotencyHeaders, MyOrdersSchema, NewViewer, NewViewerBody, OrderSchema, PlaceOrderBody, ProfileBody, ProfileSchema, QuoteBody, QuoteSchema } from '../schemas/orders.js';
import { limitPerViewer, viewerOfRequest } from '../viewer-of-request.js';
import type { AdminScope } from './admin-scope.js';
import { merchantOrderRoutes } from './orders-admin.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };
const viewerSecurity = [{ viewer: [] }];

export interface CommerceRoutesOptions {
  viewers: Viewers;
  orders: Orders;
  stats: ShowStatsReport;
  admin: AdminScope;
  viewerRateLimitPerMinute: number;
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

  // The other viewer routes: limited per viewer (see limitPerViewer)
  await app.register(async (scope) => {
    const viewerApp = scope.withTypeProvider<TypeBoxTypeProvider>();
    const viewer = viewerOfRequest(viewers);
    limitPerViewer(viewerApp, viewer, viewerRateLimitPerMinute);

    viewerApp.post(
      '/api/shows/:id/quote',
      {
        schema: {
          tags: ['orders'],
          summary: 'The price an order would have now (sale, coupon, shipping, tax) with the refusals an order would get; takes no stock',
          security: viewerSecurity,
          params: IdParams,
          body: QuoteBody,
          response: { 200: QuoteSchema, ...errors },
        },
      },
      async (request) =>
        orders.quote({
          showId: request.params.id,
          viewerId: viewer.require(request).id,
          productId: request.body.productId,
          ...(request.body.variantId !== undefined ? { variantId: request.body.variantId } : {}),
          quantity: request.body.quantity,
          ...(request.body.couponCode !== undefined ? { couponCode: request.body.couponCode } : {}),
        }),
    );

    viewerApp.post(
      '/api/shows/:id/orders',
      {
        schema: {
          tags: ['orders'],
          summary: 'Buy: stock is taken at once, never oversold, and held until the order is paid or its hold runs out (holdExpiresAt); the same Idempotency-Key replays the same answer',
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
          ...(request.body.variantId !== undefined ? { variantId: request.body.variantId } : {}),
          quantity: request.body.quantity,
          idempotencyKey: request.headers['idempotency-key'],
          ...(request.body.couponCode !== undefined ? { couponCode: request.body.couponCode } : {}),
          ...(request.body.price !== undefined ? { expectedUnitPrice: request.body.price } : {}),
          ...(request.body.payment !== undefined ? { payment: request.body.payment } : {}),
          ...(request.body.contact !== undefined ? { contact: request.body.contact } : {}),
          ...(request.body.shippingAddress !== undefined ? { shippingAddress: request.body.shippingAddress } : {}),
        });
        return reply.status(201).send(orderToWire(order));
      },
    );

    viewerApp.get('/api/me/orders', { schema: { tags: ['orders'], summary: "The viewer's orders in every show, newest first", security: viewerSecurity, response: { 200: MyOrdersSchema, ...errors } } }, async (request) => ({
      orders: orders.listForViewer(viewer.require(request).id).map(orderToWire),
    }));
    viewerApp.get('/api/me/profile', { schema: { tags: ['orders'], summary: 'What the viewer gave at checkout (contact, shipping address), remembered', security: viewerSecurity, response: { 200: ProfileSchema, ...errors } } }, async (request) =>
      orders.profile(viewer.require(request).id),
    );
    viewerApp.put(
      '/api/me/profile',
      { schema: { tags: ['orders'], summary: 'Remember the contact and shipping address for the next checkout', security: viewerSecurity, body: ProfileBody, response: { 200: ProfileSchema, ...errors } } },
      async (request) => {
        const { id } = viewer.require(request);
        orders.saveProfile(id, request.body.contact, request.body.shippingAddress);
        return orders.profile(id);
      },
    );

    viewerApp.get('/api/orders/:id', { schema: { tags: ['orders'], summary: "A viewer's own order", security: viewerSecurity, params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
      orderToWire(orders.get(request.params.id, viewer.require(request).id)),
    );
    // no route here makes an order paid: the merchant does (manual), or the provider's signed word
    viewerApp.post('/api/orders/:id/cancel', { schema: { tags: ['orders'], summary: 'Cancel a pending order; its stock goes back', security: viewerSecurity, params: IdParams, response: { 200: OrderSchema, ...errors } } }, async (request) =>
      orderToWire(orders.cancel(request.params.id, viewer.require(request).id)),
    );
  });

  await app.register(merchantOrderRoutes, { orders, stats, admin });
};
