import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  check(): boolean | Promise<boolean>;
}

export interface HealthRoutesOptions {
  readiness: ReadinessCheck[];
  metrics: Registry;
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { readiness, metrics }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['ops'], summary: 'The process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  const ReadyBody = Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
    checks: Type.Record(Type.String(), Type.Boolean()),
  });
  app.get(
    '/readyz',
    { schema: { tags: ['ops'], summary: 'Database, RTMP ingest and FFmpeg are usable', response: { 200: ReadyBody, 503: ReadyBody } } },
    async (_request, reply) => {
      const checks: Record<string, boolean> = {};
      for (const r of readiness) {
        try {
          checks[r.name] = await r.check();
        } catch {
          checks[r.name] = false;
        }
      }
      const ok = Object.values(checks).every(Boolean);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
    },
  );

  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
  });
};
