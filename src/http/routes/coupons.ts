import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { centreEntryForClients, type Coupons } from '../../commerce/coupons.js';
import type { Viewers } from '../../commerce/viewers.js';
import type { Coupon } from '../../domain/coupon.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { CouponCentre, CouponSchema, CreateCoupon, type CreateCouponBody } from '../schemas/coupons.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };
const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

const toBody = (c: Coupon & { claims?: number }) => ({
  ...c,
  startsAt: iso(c.startsAt),
  expiresAt: iso(c.expiresAt),
  createdAt: new Date(c.createdAt).toISOString(),
  disabledAt: iso(c.disabledAt),
});

export interface CouponRoutesOptions {
  coupons: Coupons;
  viewers: Viewers;
  admin: AdminScope;
}

/** The merchant's coupons, and each viewer's coupon centre. */
export const couponRoutes: FastifyPluginAsyncTypebox<CouponRoutesOptions> = async (app, { coupons, viewers, admin }) => {
  await app.register(async (scope) => {
    scope.addHook('onRequest', scope.rateLimit());
    const pub = scope.withTypeProvider<TypeBoxTypeProvider>();
    pub.get(
      '/api/shows/:id/coupons',
      {
        schema: {
          tags: ['coupons'],
          summary: "A viewer's coupon centre: what they can use, what is locked and how far they are, their loyalty level",
          security: [{ viewer: [] }],
          params: IdParams,
          response: { 200: CouponCentre, ...errors },
        },
      },
      async (request) => {
        const viewer = viewers.authenticate(request.headers.authorization);
        const centre = coupons.centre(request.params.id, viewer.id);
        return { level: centre.level, coupons: centre.coupons.map(centreEntryForClients) };
      },
    );
  });

  await app.register(async (scope) => {
    await admin(scope);
    const merchant = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ bearer: [] }];
    merchant.post(
      '/api/coupons',
      { schema: { tags: ['coupons'], summary: 'Create a coupon', security, body: CreateCoupon, response: { 201: CouponSchema, ...errors } } },
      async (request, reply) => {
        const b: CreateCouponBody = request.body;
        const coupon = coupons.create({
          ...b,
          startsAt: b.startsAt ? Date.parse(b.startsAt) : null,
          expiresAt: b.expiresAt ? Date.parse(b.expiresAt) : null,
        });
        return reply.status(201).send(toBody(coupon));
      },
    );
    merchant.get('/api/coupons', { schema: { tags: ['coupons'], summary: 'All coupons, newest first', security, response: { 200: Type.Array(CouponSchema), ...errors } } }, async () =>
      coupons.list().map(toBody),
    );
    merchant.get('/api/coupons/:id', { schema: { tags: ['coupons'], summary: 'A coupon, with its uses and claims', security, params: IdParams, response: { 200: CouponSchema, ...errors } } }, async (request) =>
      toBody(coupons.get(request.params.id)),
    );
    merchant.delete('/api/coupons/:id', { schema: { tags: ['coupons'], summary: 'Disable a coupon (orders that used it stay as they are)', security, params: IdParams, response: { 200: CouponSchema, ...errors } } }, async (request) =>
      toBody(coupons.disable(request.params.id)),
    );
  });
};
