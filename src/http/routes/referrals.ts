import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Viewers } from '../../commerce/viewers.js';
import type { Referrals } from '../../reach/referrals.js';
import { readCookie } from '../admin-session.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { JoinAnswer, JoinBody, ShareAnswer, ShowReferrals } from '../schemas/referrals.js';
import { limitPerViewer, viewerOfRequest } from '../viewer-of-request.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 429: ErrorResponseSchema };
/** the browser's identity for "new friend": random, HttpOnly, stored only as its hash */
export const DEVICE_COOKIE = 'hawker_device';
const YEAR_SECONDS = 365 * 24 * 3600;

export interface ReferralRoutesOptions {
  referrals: Pick<Referrals, 'share' | 'join' | 'figures'>;
  viewers: Viewers;
  admin: AdminScope;
  viewerRateLimitPerMinute: number;
  /** publicUrl: the device cookie is Secure when it is https */
  publicUrl: string;
}

/** Share links: a viewer's code, the page's join on every load, and the merchant's figures per code. */
export const referralRoutes: FastifyPluginAsyncTypebox<ReferralRoutesOptions> = async (app, { referrals, viewers, admin, viewerRateLimitPerMinute, publicUrl }) => {
  const secure = publicUrl.startsWith('https:');
  await app.register(async (scope) => {
    const viewerApp = scope.withTypeProvider<TypeBoxTypeProvider>();
    const viewer = viewerOfRequest(viewers);
    limitPerViewer(viewerApp, viewer, viewerRateLimitPerMinute);

    viewerApp.post(
      '/api/shows/:id/share',
      {
        schema: {
          tags: ['referrals'],
          summary: "The viewer's own referral code for this show (made once, then the same) and the show's link carrying it",
          security: [{ viewer: [] }],
          params: IdParams,
          response: { 200: ShareAnswer, ...errors },
        },
      },
      async (request) => referrals.share(request.params.id, viewer.require(request).id, readCookie(request.headers.cookie, DEVICE_COOKIE)),
    );

    viewerApp.post(
      '/api/shows/:id/joins',
      {
        schema: {
          tags: ['referrals'],
          summary: "The viewer page loaded (it calls this on every load, with ?ref= when it came through a link): sets the hawker_device cookie when absent and says whether the visit counted as a new friend of the link's owner",
          params: IdParams,
          body: JoinBody,
          response: { 200: JoinAnswer, ...errors },
        },
      },
      async (request, reply) => {
        // a forged or stale token is no reason to refuse the visit: it joins as nobody
        const who = viewers.fromAuthorization(request.headers.authorization);
        const result = referrals.join({
          showId: request.params.id,
          ref: request.body.ref,
          deviceToken: readCookie(request.headers.cookie, DEVICE_COOKIE),
          viewerId: who?.id ?? null,
          address: request.ip,
        });
        if (result.setDeviceToken) {
          reply.header('set-cookie', `${DEVICE_COOKIE}=${result.setDeviceToken}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${YEAR_SECONDS}${secure ? '; Secure' : ''}`);
        }
        reply.header('cache-control', 'no-store');
        return { counted: result.counted, ...(result.reason ? { reason: result.reason } : {}) };
      },
    );
  });

  await app.register(async (scope) => {
    await admin(scope);
    const merchant = scope.withTypeProvider<TypeBoxTypeProvider>();
    merchant.get(
      '/api/shows/:id/referrals',
      {
        schema: {
          tags: ['referrals'],
          summary: "Per referral code of the show: the viewer who shared, joins, new viewers, viewers brought, and their orders and revenue",
          security: [{ bearer: [] }],
          params: IdParams,
          response: { 200: ShowReferrals, ...errors },
        },
      },
      async (request) => ({ showId: request.params.id, codes: referrals.figures(request.params.id) }),
    );
  });
};
