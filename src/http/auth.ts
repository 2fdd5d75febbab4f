import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HawkerError } from '../domain/errors.js';
import type { AdminSessions } from './admin-session.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Whether an Authorization header carries the admin token. */
export function adminCheck(adminToken: string): (authorization: string | undefined) => boolean {
  const expected = digest(adminToken);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    // Compare digests: equal length, constant time, whatever the caller sent.
    return match !== null && timingSafeEqual(digest(match[1] as string), expected);
  };
}

/**
 * A hook that lets a request through only with `Authorization: Bearer <admin token>`, or from
 * the control panel with its session cookie (and, for changes, its CSRF header).
 */
export function adminGuard(adminToken: string, sessions?: AdminSessions) {
  const isAdmin = adminCheck(adminToken);
  return async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!isAdmin(request.headers.authorization) && !(sessions && !request.headers.authorization && sessions.allows(request))) {
      reply.header('www-authenticate', 'Bearer realm="hawker"');
      throw new HawkerError('UNAUTHORIZED');
    }
  };
}
