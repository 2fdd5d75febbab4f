import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ChapterView, ShowChapters } from '../../replay/show-chapters.js';
import { ErrorResponseSchema } from '../errors.js';
import { ChaptersSchema } from '../schemas/chapters.js';
import { IdParams } from '../schemas/common.js';

const errors = { 400: ErrorResponseSchema, 404: ErrorResponseSchema, 429: ErrorResponseSchema };

export interface ChapterRoutesOptions {
  chapters: Pick<ShowChapters, 'list'>;
}

const toWire = (c: ChapterView) => ({
  ...c,
  startAt: new Date(c.startAt).toISOString(),
  endAt: c.endAt == null ? null : new Date(c.endAt).toISOString(),
});

/** A show's chapters: public, like its recording (the viewer page's chapter strip). */
export const chapterRoutes: FastifyPluginAsyncTypebox<ChapterRoutesOptions> = async (app, { chapters }) => {
  await app.register(async (scope) => {
    scope.addHook('onRequest', scope.rateLimit());
    scope.withTypeProvider<TypeBoxTypeProvider>().get(
      '/api/shows/:id/chapters',
      {
        schema: {
          tags: ['shows'],
          summary: "The show's chapters: each span a product was pinned, in stream time and PROGRAM-DATE-TIME, with its demo clip once cut (public; the open chapter of a live show has no end)",
          params: IdParams,
          response: { 200: ChaptersSchema, ...errors },
        },
      },
      async (request) => chapters.list(request.params.id).map(toWire),
    );
  });
};
