import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type {} from '@fastify/rate-limit'; // its FastifyInstance.rateLimit() type
import { HawkerError } from '../../domain/errors.js';
import { Alive, Readiness } from '../schemas/ops.js';

export interface ReadinessCheck {
  name: string;
  check(): boolean | Promise<boolean>;
}

/** One show's transcode, as /readyz reports it. */
export interface PipelineState {
  showId: string;
  health: 'starting' | 'running' | 'stalled' | 'restarting' | 'stopped';
}

export interface HealthRoutesOptions {
  readiness: ReadinessCheck[];
  metrics: Registry;
  /** whether an Authorization header may read /metrics (the admin token or the metrics token) */
  mayScrape(authorization: string | undefined): boolean;
  /** the live shows' transcodes, reported by /readyz (a restarting one does not fail it) */
  pipelines?: () => PipelineState[];
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { readiness, metrics, mayScrape, pipelines }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['ops'], summary: 'The process answers', response: { 200: Alive } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { schema: { tags: ['ops'], summary: 'Database, RTMP ingest and FFmpeg are usable', response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const checks: Record<string, boolean> = {};
      for (const r of readiness) {
        try {
          checks[r.name] = await r.check();
        } catch {
          checks[r.name] = false;
        }
      }
      let states: Record<string, string> | undefined;
      if (pipelines) {
        try {
          const list = pipelines();
          states = Object.fromEntries(list.map((p) => [p.showId, p.health]));
        } catch {
          states = undefined;
        }
        // Reported, not a check: one show's transcode restarting (the watchdog is already on
        // it) must not take the node, with every other show, the API and chat, out of a
        // load balancer.
      }
      const ok = Object.values(checks).every(Boolean);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks, ...(states ? { pipelines: states } : {}) });
    },
  );

  // Metrics name live shows and tell traffic: a scraper needs a token. Guessing it is rate
  // limited like any admin call.
  app.get(
    '/metrics',
    {
      schema: { tags: ['ops'], summary: 'Prometheus metrics (Authorization: Bearer <metrics token or admin token>)', security: [{ bearer: [] }] },
      onRequest: [
        app.rateLimit(),
        async (request, reply) => {
          if (mayScrape(request.headers.authorization)) return;
          reply.header('www-authenticate', 'Bearer realm="hawker-metrics"');
          throw new HawkerError('UNAUTHORIZED', 'metrics need the metrics token or the admin token');
        },
      ],
    },
    async (_request, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
    },
  );
};
