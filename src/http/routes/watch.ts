import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShowCatalog } from '../../live/show-catalog.js';
import { renderWatchPage, watchScript } from '../../web/watch-page.js';
import { ID_PATTERN } from '../schemas.js';

export interface WatchRoutesOptions {
  catalog: ShowCatalog;
}

const hlsJsPath = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');

export const watchRoutes: FastifyPluginAsyncTypebox<WatchRoutesOptions> = async (app, { catalog }) => {
  const hlsJs = await readFile(hlsJsPath);

  app.get('/assets/hls.min.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(hlsJs),
  );
  app.get('/assets/watch.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(watchScript),
  );

  app.get(
    '/watch/:id',
    { schema: { tags: ['viewer'], summary: 'Viewer page', params: Type.Object({ id: Type.String({ pattern: ID_PATTERN }) }) } },
    async (request, reply) => {
      const show = catalog.get(request.params.id);
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header(
          'content-security-policy',
          "default-src 'self'; media-src 'self' blob:; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; script-src 'self'",
        );
      return renderWatchPage({
        title: show.title,
        status: show.status,
        // same origin as the page, whatever name the viewer reached us by (the CSP allows only self)
        playbackUrl: `/hls/${show.id}/master.m3u8`,
        hlsScriptUrl: '/assets/hls.min.js',
      });
    },
  );
};
