import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { HawkerError } from '../../domain/errors.js';
import type { Show } from '../../domain/show.js';
import type { ChannelFeed } from '../../reach/channel-feed.js';
import type { PosterFile } from '../../reach/show-posters.js';
import { ErrorResponseSchema } from '../errors.js';
import { ChannelFeedSchema, ChannelQuery, PosterQuery } from '../schemas/channel.js';
import { IdParams } from '../schemas/common.js';

const errors = { 400: ErrorResponseSchema, 404: ErrorResponseSchema, 429: ErrorResponseSchema };

/** an ended show's poster no longer changes (until its recording is deleted: then it is gone) */
const ENDED_POSTER_MAX_AGE_SECONDS = 3600;
/** the feed may be cached this long by a CDN or a merchant's backend */
const FEED_MAX_AGE_SECONDS = 5;

export interface ChannelRoutesOptions {
  channel: { read(limit: number): ChannelFeed };
  posters: { find(show: Show): PosterFile | null };
  shows: { get(id: string): Show };
  /** channel.posterSeconds: a live poster is cached no longer than it stays current */
  posterSeconds: number;
}

function openToEveryOrigin(reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-allow-methods', 'GET, HEAD, OPTIONS');
}

/**
 * The merchant's channel as data (for a shop that builds its own listing) and each show's
 * poster: public, cacheable for a few seconds, readable from any origin.
 */
export const channelRoutes: FastifyPluginAsyncTypebox<ChannelRoutesOptions> = async (app, { channel, posters, shows, posterSeconds }) => {
  app.addHook('onRequest', app.rateLimit());
  const pub = app.withTypeProvider<TypeBoxTypeProvider>();

  pub.options('/api/channel', { schema: { hide: true } }, async (_request, reply) => {
    openToEveryOrigin(reply);
    reply.header('access-control-max-age', '86400');
    return reply.status(204).send();
  });
  pub.get(
    '/api/channel',
    {
      schema: {
        tags: ['channel'],
        summary: 'The channel: shows live now (newest start first), upcoming (soonest first), past (newest first; replay only while the recording is kept). Public, CORS open',
        querystring: ChannelQuery,
        response: { 200: ChannelFeedSchema, ...errors },
      },
    },
    async (request, reply) => {
      openToEveryOrigin(reply);
      reply.header('cache-control', `public, max-age=${FEED_MAX_AGE_SECONDS}`);
      return channel.read(request.query.limit ?? 50);
    },
  );

  pub.get(
    '/api/shows/:id/poster.jpg',
    {
      schema: {
        tags: ['channel'],
        summary: "The show's poster (JPEG): a still of the live stream, taken again every channel.posterSeconds; once ended, the last one. 404 NOT_FOUND while there is none",
        params: IdParams,
        querystring: PosterQuery,
        response: errors,
      },
    },
    async (request, reply) => {
      const show = shows.get(request.params.id);
      const poster = posters.find(show);
      if (!poster) throw new HawkerError('NOT_FOUND', 'this show has no poster yet');
      let body: Buffer;
      try {
        // whole: a still is tens of kilobytes, and the length sent is the length of these bytes
        body = await readFile(poster.file);
      } catch {
        throw new HawkerError('NOT_FOUND', 'this show has no poster yet');
      }
      openToEveryOrigin(reply);
      return reply
        .header('content-type', 'image/jpeg')
        .header('content-length', body.length)
        .header('last-modified', new Date(poster.mtimeMs).toUTCString())
        .header('cache-control', `public, max-age=${show.status === 'ended' ? ENDED_POSTER_MAX_AGE_SECONDS : posterSeconds}`)
        .send(body);
    },
  );
};
