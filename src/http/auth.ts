import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HawkerError } from '../domain/errors.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** A hook that lets a request through only with `Authorization: Bearer <admin token>`. */
export function adminGuard(adminToken: string) {
  const expected = digest(adminToken);
  return async function requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // Compare digests: equal length, constant time, whatever the caller sent.
    if (!match || !timingSafeEqual(digest(match[1] as string), expected)) {
      reply.header('www-authenticate', 'Bearer realm="hawker"');
      throw new HawkerError('UNAUTHORIZED');
    }
  };
}
