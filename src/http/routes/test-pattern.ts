import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HawkerError } from '../../domain/errors.js';
import type { ShowCatalog } from '../../live/show-catalog.js';
import type { TestPatterns } from '../../pipeline/test-pattern.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { StartTestPatternBody, TestPatternStarted, TestPatternState } from '../schemas/test-pattern.js';
import type { AdminScope } from './admin-scope.js';

const errors = { 401: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 503: ErrorResponseSchema };
const security = [{ bearer: [] }];
const params = IdParams;

export interface TestPatternRoutesOptions {
  catalog: ShowCatalog;
  patterns: TestPatterns;
  admin: AdminScope;
}

/** "Start test pattern": try a show without OBS. */
export const testPatternRoutes: FastifyPluginAsyncTypebox<TestPatternRoutesOptions> = async (app, { catalog, patterns, admin }) => {
  await admin(app);
  app.get('/api/shows/:id/test-pattern', { schema: { tags: ['shows'], summary: 'Whether a test pattern is publishing to this show', security, params, response: { 200: TestPatternState, ...errors } } }, async (request) => {
    catalog.get(request.params.id);
    return { running: patterns.isRunning(request.params.id), error: patterns.lastError(request.params.id) };
  });
  app.post(
    '/api/shows/:id/test-pattern',
    {
      schema: {
        tags: ['shows'],
        summary: 'Publish a test card with a tone to this show from the server itself (as from OBS: a show with a scheduled time rehearses until Go live, one without goes live)',
        security,
        params,
        body: StartTestPatternBody,
        response: { 202: TestPatternStarted, ...errors },
      },
    },
    async (request, reply) => {
      const show = catalog.get(request.params.id);
      if (show.status === 'ended') throw new HawkerError('SHOW_ENDED', 'the show has ended; create a new one');
      const seconds = request.body.seconds ?? 600;
      try {
        await patterns.start(show.id, show.streamKey, seconds);
      } catch (err) {
        const shuttingDown = err instanceof Error && 'reason' in err && err.reason === 'shutting-down';
        throw new HawkerError(shuttingDown ? 'NOT_READY' : 'FFMPEG_UNAVAILABLE', err instanceof Error ? err.message : 'the test pattern could not start');
      }
      return reply.status(202).send({ running: true, seconds });
    },
  );
  app.delete('/api/shows/:id/test-pattern', { schema: { tags: ['shows'], summary: 'Stop the test pattern', security, params, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    catalog.get(request.params.id);
    patterns.stop(request.params.id);
    return reply.status(204).send(null);
  });
};
