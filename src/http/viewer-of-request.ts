import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Viewers } from '../commerce/viewers.js';
import { HawkerError } from '../domain/errors.js';
import type { Viewer } from '../domain/order.js';

/**
 * The viewer behind each request, looked up once: the rate limit (keyed by the viewer's id when
 * the token is one of ours, else the address) and the handler share it, so an order costs one
 * token hash and one viewer read, not two.
 */
export function viewerOfRequest(viewers: Pick<Viewers, 'fromAuthorization'>) {
  const known = new WeakMap<FastifyRequest, Viewer | null>();
  const lookUp = (request: FastifyRequest): Viewer | null => {
    let viewer = known.get(request);
    if (viewer === undefined) {
      viewer = viewers.fromAuthorization(request.headers.authorization) ?? null;
      known.set(request, viewer);
    }
    return viewer;
  };
  return {
    rateKey: (request: FastifyRequest): string => {
      const viewer = lookUp(request);
      return viewer ? `viewer:${viewer.id}` : `ip:${request.ip}`;
    },
    /** the signed-in viewer, or 401 INVALID_VIEWER_TOKEN */
    require: (request: FastifyRequest): Viewer => {
      const viewer = lookUp(request);
      if (!viewer) throw new HawkerError('INVALID_VIEWER_TOKEN');
      return viewer;
    },
  };
}


/**
 * Viewer routes are limited per viewer where a valid token is presented (a show's buyers can
 * share one address), else per address: never by a header the client makes up.
 */
export function limitPerViewer(scope: FastifyInstance, viewer: ReturnType<typeof viewerOfRequest>, perMinute: number): void {
  scope.addHook('onRequest', scope.rateLimit({ max: perMinute, timeWindow: 60_000, keyGenerator: viewer.rateKey }));
}
