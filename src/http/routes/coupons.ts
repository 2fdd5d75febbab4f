import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { centreEntryForClients, type Coupons } from '../../commerce/coupons.js';
import type { Viewers } from '../../commerce/viewers.js';
import { couponUnlocks, type Coupon } from '../../domain/coupon.js';
import { ErrorResponseSchema } from '../errors.js';
import { ID_PATTERN } from '../schemas.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(s: T) => Type.Union([s, Type.Null()]);
const Iso = Type.String({ format: 'date-time' });
const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
const IdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });

const CouponSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  kind: Type.Union([Type.Literal('fixed'), Type.Literal('percent')]),
  amount: Type.Integer(),
  currency: Nullable(Type.String()),
  showId: Nullable(Type.String()),
  liveOnly: Type.Boolean(),
  listed: Type.Boolean(),
  startsAt: Nullable(Iso),
  expiresAt: Nullable(Iso),
  expiresAfterShowMinutes: Nullable(Type.Integer()),
  maxUses: Nullable(Type.Integer()),
  perViewerLimit: Type.Integer(),
  minLevel: Type.Integer(),
  unlock: Nullable(Type.String()),
  unlockThreshold: Nullable(Type.Integer()),
  keyword: Nullable(Type.String()),
  uses: Type.Integer(),
  claims: Type.Optional(Type.Integer()),
  createdAt: Iso,
  disabledAt: Nullable(Iso),
});

const toBody = (c: Coupon & { claims?: number }) => ({
  ...c,
  startsAt: iso(c.startsAt),
  expiresAt: iso(c.expiresAt),
  createdAt: new Date(c.createdAt).toISOString(),
  disabledAt: iso(c.disabledAt),
});

const CreateCoupon = Type.Object(
  {
    code: Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' }),
    kind: Type.Union([Type.Literal('fixed'), Type.Literal('percent')]),
    amount: Type.Integer({ minimum: 1, maximum: 10_000_000_000, description: 'minor units (fixed) or 1-100 (percent)' }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    showId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    liveOnly: Type.Optional(Type.Boolean({ description: 'a promo code announced on air: valid only while the show is live' })),
    listed: Type.Optional(Type.Boolean({ description: "shown in viewers' coupon centre (default: not for live-only codes)" })),
    startsAt: Type.Optional(Iso),
    expiresAt: Type.Optional(Iso),
    expiresAfterShowMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 525_600 })),
    maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    perViewerLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    minLevel: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    unlock: Type.Optional(Type.Union(couponUnlocks.map((u) => Type.Literal(u)))),
    unlockThreshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    keyword: Type.Optional(Type.String({ minLength: 2, maxLength: 40 })),
  },
  { additionalProperties: false },
);
type CreateCouponBody = typeof CreateCoupon.static;

const CentreEntry = Type.Object({
  id: Type.String(),
  code: Nullable(Type.String()),
  kind: Type.String(),
  amount: Type.Integer(),
  currency: Nullable(Type.String()),
  expiresAt: Nullable(Iso),
  liveOnly: Type.Boolean(),
  minLevel: Type.Integer(),
  unlock: Nullable(Type.String()),
  progress: Nullable(Type.Object({ have: Type.Integer(), need: Type.Integer() })),
  state: Type.String(),
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
          response: { 200: Type.Object({ level: Type.Integer(), coupons: Type.Array(CentreEntry) }), ...errors },
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
