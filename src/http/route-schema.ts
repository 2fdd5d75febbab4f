import type { FastifySchema } from 'fastify';

/**
 * Route options built from the schema parts a group of routes shares (tags, security, params,
 * responses) and each route's own parts (summary, body, querystring, ...). Both parts stay
 * generic, so the types TypeBox infers for body, params, querystring and response reach the
 * handler: a helper that took `Record<string, unknown>` would hand Fastify an untyped schema
 * and every handler would have to cast.
 */
export function routeGroup<const Shared extends FastifySchema>(shared: Shared) {
  return <const Own extends FastifySchema = Record<never, never>>(summary: string, own: Own = {} as Own) => ({ schema: { ...shared, ...own, summary } });
}
