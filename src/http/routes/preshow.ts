import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Viewers } from '../../commerce/viewers.js';
import type { Suggestions } from '../../reach/suggestions.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { NewSuggestion, PreshowSchema, SuggestableProducts, SuggestionList, SuggestionParams, SuggestionVotes, SuggestionViewSchema } from '../schemas/preshow.js';
import { limitPerViewer, viewerOfRequest } from '../viewer-of-request.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 403: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };

export interface PreshowRoutesOptions {
  suggestions: Pick<Suggestions, 'suggest' | 'vote' | 'list' | 'hide' | 'preshow' | 'products'>;
  viewers: Viewers;
  admin: AdminScope;
  viewerRateLimitPerMinute: number;
}

/** Before the show: fans' product suggestions and votes, and the merchant's view of what was said. */
export const preshowRoutes: FastifyPluginAsyncTypebox<PreshowRoutesOptions> = async (app, { suggestions, viewers, admin, viewerRateLimitPerMinute }) => {
  await app.register(async (scope) => {
    const viewerApp = scope.withTypeProvider<TypeBoxTypeProvider>();
    const viewer = viewerOfRequest(viewers);
    limitPerViewer(viewerApp, viewer, viewerRateLimitPerMinute);
    const security = [{ viewer: [] }];

    viewerApp.get(
      '/api/shows/:id/suggestions',
      { schema: { tags: ['preshow'], summary: "Fans' product suggestions for the show, most-voted first (public)", params: IdParams, response: { 200: SuggestionList, ...errors } } },
      async (request) => ({ suggestions: suggestions.list(request.params.id) }),
    );
    viewerApp.get(
      '/api/shows/:id/suggestions/products',
      { schema: { tags: ['preshow'], summary: "The catalog's products a fan can name in a suggestion: ids and titles (public)", params: IdParams, response: { 200: SuggestableProducts, ...errors } } },
      async (request) => ({ products: suggestions.products(request.params.id) }),
    );
    viewerApp.post(
      '/api/shows/:id/suggestions',
      {
        schema: {
          tags: ['preshow'],
          summary: 'Suggest a product for the show, until it goes live (409 SUGGESTIONS_CLOSED after); counts as commenting before the show',
          security,
          params: IdParams,
          body: NewSuggestion,
          response: { 201: SuggestionViewSchema, ...errors },
        },
      },
      async (request, reply) => {
        const made = suggestions.suggest(request.params.id, viewer.require(request), request.body.text, request.body.productId ?? null);
        return reply.status(201).send(made);
      },
    );
    viewerApp.post(
      '/api/shows/:id/suggestions/:sid/votes',
      { schema: { tags: ['preshow'], summary: 'Vote for a suggestion, once per viewer, until the show goes live', security, params: SuggestionParams, response: { 200: SuggestionVotes, ...errors } } },
      async (request) => suggestions.vote(request.params.id, viewer.require(request).id, request.params.sid),
    );
  });

  await app.register(async (scope) => {
    await admin(scope);
    const merchant = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ bearer: [] }];
    merchant.get(
      '/api/shows/:id/preshow',
      { schema: { tags: ['preshow'], summary: 'What fans said before the show: chat lines before go-live and the suggestions, with names', security, params: IdParams, response: { 200: PreshowSchema, ...errors } } },
      async (request) => suggestions.preshow(request.params.id),
    );
    merchant.delete(
      '/api/shows/:id/suggestions/:sid',
      { schema: { tags: ['preshow'], summary: 'Hide a suggestion (kept on record, no longer listed)', security, params: SuggestionParams, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        suggestions.hide(request.params.id, request.params.sid);
        return reply.status(204).send(null);
      },
    );
  });
};
