import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Show } from '../../domain/show.js';
import type { ShowPhaseKind } from '../../domain/show-phase.js';
import type { ShowCatalog } from '../../live/show-catalog.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams as ShowParams } from '../schemas/common.js';
import { CreateShowBody, ShowSchema, Timeline, TimelineQuery, type ShowBody } from '../schemas/shows.js';
import type { AdminScope } from './admin-scope.js';

export interface ShowUrls {
  /** OBS "Server": rtmp://host:port/app (the key goes in OBS's "Stream Key") */
  ingestUrl: string;
  /** public base, no trailing slash */
  publicUrl: string;
  /** the live shows serve LL-HLS (pipeline.lowLatency.enabled) */
  lowLatency?: boolean;
}

const iso = (ms: number | null): string | null => (ms == null ? null : new Date(ms).toISOString());

export function showToBody(show: Show, phase: ShowPhaseKind, urls: ShowUrls): ShowBody {
  return {
    id: show.id,
    title: show.title,
    host: show.host,
    scheduledAt: iso(show.scheduledAt),
    status: show.status,
    phase,
    streamKey: show.streamKey,
    ingestUrl: urls.ingestUrl,
    playbackUrl: `${urls.publicUrl}/hls/${show.id}/master.m3u8`,
    lowLatencyPlaybackUrl: urls.lowLatency ? `${urls.publicUrl}/hls/${show.id}/ll.m3u8` : null,
    watchUrl: `${urls.publicUrl}/watch/${show.id}`,
    createdAt: new Date(show.createdAt).toISOString(),
    startedAt: iso(show.startedAt),
    endedAt: iso(show.endedAt),
    recordingDeletedAt: iso(show.recordingDeletedAt ?? null),
  };
}

export interface ShowRoutesOptions {
  catalog: ShowCatalog;
  urls: ShowUrls;
  admin: AdminScope;
}

const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema };
const security = [{ bearer: [] }];

export const showRoutes: FastifyPluginAsyncTypebox<ShowRoutesOptions> = async (app, { catalog, urls, admin }) => {
  await admin(app);
  const toBody = (show: Show) => showToBody(show, catalog.phaseOf(show), urls);

  app.post(
    '/api/shows',
    { schema: { tags: ['shows'], summary: 'Create a show', security, body: CreateShowBody, response: { 201: ShowSchema, ...errors } } },
    async (request, reply) => {
      const { title, host, scheduledAt } = request.body;
      const show = catalog.create(title.trim(), { host: host?.trim() ?? '', scheduledAt: scheduledAt ? Date.parse(scheduledAt) : null });
      return reply.status(201).send(toBody(show));
    },
  );

  app.get(
    '/api/shows',
    { schema: { tags: ['shows'], summary: 'List shows, newest first', security, response: { 200: Type.Array(ShowSchema), ...errors } } },
    async () => catalog.list().map(toBody),
  );

  app.get(
    '/api/shows/:id',
    { schema: { tags: ['shows'], summary: 'One show', security, params: ShowParams, response: { 200: ShowSchema, ...errors } } },
    async (request) => toBody(catalog.get(request.params.id)),
  );

  app.post(
    '/api/shows/:id/stream-key',
    {
      schema: {
        tags: ['shows'],
        summary: 'Rotate the stream key: the old one is refused from now on',
        security,
        params: ShowParams,
        response: { 200: ShowSchema, ...errors },
      },
    },
    async (request) => toBody(catalog.rotateStreamKey(request.params.id)),
  );

  app.post(
    '/api/shows/:id/go-live',
    {
      schema: {
        tags: ['shows'],
        summary: 'Go live: the rehearsing stream goes on air for every viewer (409 SHOW_NOT_REHEARSING without one)',
        security,
        params: ShowParams,
        response: { 200: ShowSchema, 409: ErrorResponseSchema, ...errors },
      },
    },
    async (request) => toBody(catalog.goLive(request.params.id)),
  );

  app.post(
    '/api/shows/:id/end',
    {
      schema: {
        tags: ['shows'],
        summary: 'End the show now: the stream stops, the playlists close, the recording stays (409 SHOW_NOT_LIVE unless live)',
        security,
        params: ShowParams,
        response: { 200: ShowSchema, 409: ErrorResponseSchema, ...errors },
      },
    },
    async (request) => toBody(await catalog.end(request.params.id)),
  );

  app.delete(
    '/api/shows/:id',
    {
      schema: {
        tags: ['shows'],
        summary: 'Delete a show and its media (not while a host is publishing)',
        security,
        params: ShowParams,
        response: { 204: Type.Null(), 409: ErrorResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      await catalog.delete(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/shows/:id/timeline',
    {
      schema: {
        tags: ['shows'],
        summary: "The show's events in order, with wall-clock and stream time",
        security,
        params: ShowParams,
        querystring: TimelineQuery,
        response: { 200: Timeline, ...errors },
      },
    },
    async (request) => ({
      events: catalog.timeline(request.params.id, request.query.limit ?? 1000).map((e) => ({
        id: e.id,
        type: e.type,
        at: new Date(e.at).toISOString(),
        streamMs: e.streamMs,
        payload: e.payload,
      })),
    }),
  );

  app.get(
    '/api/shows/:id/timeline.csv',
    { schema: { tags: ['shows'], summary: 'The timeline as CSV: at, streamMs, type, then the event as JSON', security, params: ShowParams } },
    async (request, reply) => {
      const show = catalog.get(request.params.id);
      const rows = catalog.timeline(show.id, 100_000).map((e) => [new Date(e.at).toISOString(), e.streamMs ?? '', e.type, JSON.stringify(e.payload)].map(csvCell).join(','));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="show-${show.id}-timeline.csv"`)
        .send(['at,streamMs,type,payload', ...rows].join('\r\n') + '\r\n');
    },
  );
};

/** RFC 4180 quoting, and no formula injection when the file is opened in a spreadsheet. */
function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
