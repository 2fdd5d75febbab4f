import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HawkerError } from '../../domain/errors.js';
import type { WebhookStore } from '../../domain/ports.js';
import { ErrorResponseSchema } from '../errors.js';
import { IdParams } from '../schemas/common.js';
import { NewWebhookEndpoint, RegisterWebhookBody, WebhookDeliveries, WebhookEndpoints } from '../schemas/webhooks.js';
import type { AdminScope } from './admin-scope.js';

const security = [{ bearer: [] }];
const errors = { 400: ErrorResponseSchema, 401: ErrorResponseSchema, 404: ErrorResponseSchema };

/** Where deliveries may go (the dispatcher knows the server's setting). */
export interface WebhookTargets {
  registrationRefusal(url: string): string | null;
}

export interface WebhookRoutesOptions {
  store: WebhookStore;
  targets: WebhookTargets;
  admin: AdminScope;
}

/** Merchant backends register where order and show events go; the secret is shown once. */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookRoutesOptions> = async (app, { store, targets, admin }) => {
  await admin(app);
  app.post(
    '/api/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register an endpoint for order.created, order.paid, order.shipped, order.cancelled, order.expired, order.refunded, show.started, show.ended',
        security,
        body: RegisterWebhookBody,
        response: { 201: NewWebhookEndpoint, ...errors },
      },
    },
    async (request, reply) => {
      try {
        new URL(request.body.url);
      } catch {
        throw new HawkerError('VALIDATION_FAILED', 'url is not a valid URL');
      }
      const refusal = targets.registrationRefusal(request.body.url);
      if (refusal) throw new HawkerError('WEBHOOK_TARGET_REFUSED', `webhook url refused: ${refusal}`);
      const endpoint = { id: randomBytes(9).toString('base64url'), url: request.body.url, secret: `whsec_${randomBytes(24).toString('base64url')}`, createdAt: Date.now() };
      store.addEndpoint(endpoint);
      return reply.status(201).send({ ...endpoint, createdAt: new Date(endpoint.createdAt).toISOString() });
    },
  );
  app.get('/api/webhooks', { schema: { tags: ['webhooks'], summary: 'Registered endpoints (without secrets)', security, response: { 200: WebhookEndpoints, ...errors } } }, async () =>
    store.listEndpoints().map((e) => ({ id: e.id, url: e.url, createdAt: new Date(e.createdAt).toISOString() })),
  );
  app.delete('/api/webhooks/:id', { schema: { tags: ['webhooks'], summary: 'Remove an endpoint', security, params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    if (!store.removeEndpoint(request.params.id)) throw new HawkerError('NOT_FOUND', 'no such webhook endpoint');
    return reply.status(204).send(null);
  });
  app.get(
    '/api/webhooks/:id/deliveries',
    { schema: { tags: ['webhooks'], summary: 'The delivery log, newest first', security, params: IdParams, response: { 200: WebhookDeliveries, ...errors } } },
    async (request) => store.deliveries(request.params.id, 200).map((d) => ({ ...d, at: new Date(d.at).toISOString() })),
  );
};
