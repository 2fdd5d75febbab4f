import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ProductCatalog } from '../../commerce/product-catalog.js';
import type { ShowLineup } from '../../commerce/show-lineup.js';
import { lineupItem } from '../../commerce/show-offers.js';
import { HawkerError } from '../../domain/errors.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { Lineup, PictureParams, PictureQuery, SetLineupBody } from '../schemas/lineup.js';
import { VariantPictureParams } from '../schemas/products.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };
const ShowParams = IdParams;

export interface LineupRoutesOptions {
  lineup: ShowLineup;
  catalog: ProductCatalog;
  admin: AdminScope;
}

/** A show's lineup (public to read, the merchant's to set) and the product pictures. */
export const lineupRoutes: FastifyPluginAsyncTypebox<LineupRoutesOptions> = async (app, { lineup, catalog, admin }) => {
  await app.register(async (scope) => {
    scope.addHook('onRequest', scope.rateLimit());
    const pub = scope.withTypeProvider<TypeBoxTypeProvider>();
    pub.get(
      '/api/shows/:id/lineup',
      { schema: { tags: ['shows'], summary: 'The products this show presents, in order (public: the viewer page lists them)', params: ShowParams, response: { 200: Lineup, ...errors } } },
      async (request) => lineup.get(request.params.id).map(lineupItem),
    );
  });

  app.get(
    '/media/products/:id/:file',
    {
      schema: {
        tags: ['products'],
        summary: 'A product picture (WebP)',
        params: PictureParams,
        querystring: PictureQuery,
      },
    },
    async (request, reply) => {
      const { id, file } = request.params;
      const bytes = catalog.picture(id, file === 'image.webp' ? 'image' : 'thumb');
      if (!bytes) throw new HawkerError('MEDIA_NOT_FOUND', `product ${id} has no picture`);
      return reply
        .header('content-type', 'image/webp')
        .header('cache-control', request.query.v ? 'public, max-age=31536000, immutable' : 'public, max-age=60')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );

  app.get(
    '/media/products/:id/variants/:variantId/:file',
    { schema: { tags: ['products'], summary: "A variant's picture (WebP)", params: VariantPictureParams, querystring: PictureQuery } },
    async (request, reply) => {
      const { id, variantId, file } = request.params;
      const bytes = catalog.variantPicture(id, variantId, file === 'image.webp' ? 'image' : 'thumb');
      if (!bytes) throw new HawkerError('MEDIA_NOT_FOUND', `variant ${variantId} has no picture`);
      return reply
        .header('content-type', 'image/webp')
        .header('cache-control', request.query.v ? 'public, max-age=31536000, immutable' : 'public, max-age=60')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );

  await app.register(async (scope) => {
    await admin(scope);
    const merchant = scope.withTypeProvider<TypeBoxTypeProvider>();
    merchant.put(
      '/api/shows/:id/lineup',
      {
        schema: {
          tags: ['shows'],
          summary: 'Set the lineup: the products this show presents, in order',
          security: [{ bearer: [] }],
          params: ShowParams,
          body: SetLineupBody,
          response: { 200: Lineup, ...errors },
        },
      },
      async (request) => lineup.set(request.params.id, request.body.productIds).map(lineupItem),
    );
  });
};
