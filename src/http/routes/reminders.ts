import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Reminders } from '../../reach/reminders.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { PushKeySchema, ReminderBody, ReminderForgetBody, ReminderSchema } from '../schemas/reminders.js';

const errors = { 400: ErrorResponseSchema, 404: ErrorResponseSchema, 409: ErrorResponseSchema, 422: ErrorResponseSchema, 429: ErrorResponseSchema };

/** the worker's script: a root URL of its own (its scope), not a hashed /assets/ one */
const serviceWorker = readFileSync(fileURLToPath(new URL('../../web/assets/sw.js', import.meta.url)));
/** the worker fetches nothing; whatever it would is refused */
const WORKER_CSP = "default-src 'none'";

export interface ReminderRoutesOptions {
  reminders: Pick<Reminders, 'publicKey' | 'remind' | 'forget' | 'calendar' | 'defaultMinutesBefore'>;
  viewerRateLimitPerMinute: number;
}

/** Reminders of a show (Web Push), its calendar file and the service worker. All public. */
export const reminderRoutes: FastifyPluginAsyncTypebox<ReminderRoutesOptions> = async (app, { reminders, viewerRateLimitPerMinute }) => {
  app.get('/sw.js', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      // a new worker reaches browsers at their next visit
      .header('cache-control', 'no-cache')
      .header('content-security-policy', WORKER_CSP)
      .send(serviceWorker),
  );

  await app.register(async (plain) => {
    const pub = plain.withTypeProvider<TypeBoxTypeProvider>();
    pub.addHook('onRequest', pub.rateLimit());
    pub.get('/api/push/key', { schema: { tags: ['reminders'], summary: "The server's VAPID public key (what a browser subscribes with)", response: { 200: PushKeySchema, 429: ErrorResponseSchema } } }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return { publicKey: reminders.publicKey() };
    });
    pub.get(
      '/api/shows/:id/calendar.ics',
      {
        schema: {
          tags: ['reminders'],
          summary: 'The show as a calendar event (.ics, RFC 5545, times in UTC); 409 SHOW_NOT_SCHEDULED when it has no time',
          params: IdParams,
          response: { 200: Type.String(), ...errors },
        },
      },
      async (request, reply) => {
        const ics = reminders.calendar(request.params.id);
        return reply
          .header('content-type', 'text/calendar; charset=utf-8')
          .header('content-disposition', 'attachment; filename="show.ics"')
          .header('cache-control', 'no-cache')
          .send(ics);
      },
    );
  });

  // asking and forgetting are limited per client address, like the viewer routes
  await app.register(async (plain) => {
    const pub = plain.withTypeProvider<TypeBoxTypeProvider>();
    pub.addHook('onRequest', pub.rateLimit({ max: viewerRateLimitPerMinute, timeWindow: 60_000, keyGenerator: (request) => `ip:${request.ip}` }));
    pub.post(
      '/api/shows/:id/reminders',
      {
        schema: {
          tags: ['reminders'],
          summary: 'Remind this browser of the show by Web Push: at go-live, and minutesBefore minutes before (201 new, 200 updated: same endpoint)',
          params: IdParams,
          body: ReminderBody,
          response: { 200: ReminderSchema, 201: ReminderSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { reminder, created } = await reminders.remind(request.params.id, request.body);
        return reply.status(created ? 201 : 200).send(reminder);
      },
    );
    pub.delete(
      '/api/shows/:id/reminders',
      { schema: { tags: ['reminders'], summary: "Forget this browser's reminder of the show", params: IdParams, body: ReminderForgetBody, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        reminders.forget(request.params.id, request.body.endpoint);
        return reply.status(204).send(null);
      },
    );
  });
};
