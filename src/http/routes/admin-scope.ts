import type {} from '@fastify/rate-limit'; // brings in its FastifyInstance.rateLimit() type
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Makes every route of the plugin it is applied to rate limited, then admin-only. */
export type AdminScope = (app: FastifyInstance) => Promise<void>;

/** Needs @fastify/rate-limit registered (global: false) on the root app: one counter per client. */
export function adminScope(requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>): AdminScope {
  return async (app) => {
    // Hooks run in the order added: the limit first (guessing tokens is limited too), then
    // auth, which answers 401 before the body is even read or validated.
    app.addHook('onRequest', app.rateLimit());
    app.addHook('onRequest', requireAdmin);
  };
}
