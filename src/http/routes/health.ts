import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';

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
  /** the live shows' transcodes: a stalled or restarting one makes the server not ready */
  pipelines?: () => PipelineState[];
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { readiness, metrics, pipelines }) => {
  app.get(
    '/healthz',
    { schema: { tags: ['ops'], summary: 'The process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  const ReadyBody = Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
    checks: Type.Record(Type.String(), Type.Boolean()),
    /** show id -> starting / running / stalled / restarting */
    pipelines: Type.Optional(Type.Record(Type.String(), Type.String())),
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
      let states: Record<string, string> | undefined;
      if (pipelines) {
        try {
          const list = pipelines();
          states = Object.fromEntries(list.map((p) => [p.showId, p.health]));
          // A show whose video is not being produced right now: the operator (or the
          // orchestrator) should know, even though the watchdog is already on it.
          checks.pipelines = list.every((p) => p.health !== 'stalled' && p.health !== 'restarting');
        } catch {
          checks.pipelines = false;
        }
      }
      const ok = Object.values(checks).every(Boolean);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks, ...(states ? { pipelines: states } : {}) });
    },
  );

  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
  });
};
