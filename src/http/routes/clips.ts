import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ClipView } from '../../domain/clip.js';
import { HawkerError } from '../../domain/errors.js';
import { ClipViewSchema } from '../../realtime/server-messages.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';

const errors = { 400: ErrorResponseSchema, 404: ErrorResponseSchema, 429: ErrorResponseSchema };

const ClipQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'at most this many, newest first' })) });

/** The clips of a show or a product, newest first; undefined when there is no such show or product. */
export interface ClipListing {
  /** `all`: the merchant's view (pending, failed, deleted too); otherwise ready clips of public shows */
  forShow(showId: string, all: boolean, limit: number): ClipView[] | undefined;
  forProduct(productId: string, all: boolean, limit: number): ClipView[] | undefined;
}

export interface ClipRoutesOptions {
  clips: ClipListing;
  /** the admin token or the panel's session: sees clips not ready (and why they failed) */
  isAdmin(request: FastifyRequest): boolean;
}

/** Demo clips: public to read (ready ones), for the viewer page and the merchant's product page. */
export const clipRoutes: FastifyPluginAsyncTypebox<ClipRoutesOptions> = async (app, { clips, isAdmin }) => {
  app.addHook('onRequest', app.rateLimit());
  const pub = app.withTypeProvider<TypeBoxTypeProvider>();
  const response = { 200: Type.Array(ClipViewSchema), ...errors };
  pub.get(
    '/api/shows/:id/clips',
    { schema: { tags: ['shows'], summary: "The show's demo clips, newest first (public: ready ones; the admin also sees pending, failed and deleted ones)", params: IdParams, querystring: ClipQuery, response } },
    async (request) => {
      const listed = clips.forShow(request.params.id, isAdmin(request), request.query.limit ?? 100);
      if (!listed) throw new HawkerError('SHOW_NOT_FOUND');
      return listed;
    },
  );
  pub.get(
    '/api/products/:id/clips',
    { schema: { tags: ['products'], summary: "The product's demo clips across shows, newest first (public: ready ones of public shows; the admin sees all)", params: IdParams, querystring: ClipQuery, response } },
    async (request) => {
      const listed = clips.forProduct(request.params.id, isAdmin(request), request.query.limit ?? 100);
      if (!listed) throw new HawkerError('PRODUCT_NOT_FOUND');
      return listed;
    },
  );
};
